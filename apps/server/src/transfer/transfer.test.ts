import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRegistry, newState, parseFlow } from '@sluice/engine';
import { aLogEntry, anExecution } from '@sluice/runtime-contract';
import { createMemoryRuntime } from '@sluice/runtime-memory';
import { createSqliteRuntime } from '@sluice/runtime-sqlite';
import { LOG_PLUGIN } from '../../test/flows.js';
import { exportStore, importStore } from './transfer.js';

const root = mkdtempSync(join(tmpdir(), 'sluice-transfer-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const registry = createRegistry([LOG_PLUGIN]);
const source = 'id: hello\nnamespace: company.team\n# kept as written\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n';

describe('sluice export and import', () => {
  it('moves flows, executions and their logs from a SQLite store to another store, oldest first, queueing the unfinished', async () => {
    const from = createSqliteRuntime({ dir: join(root, 'from') });
    const parsed = parseFlow(source, registry, { tenantId: 'main' });
    if (!parsed.ok) throw new Error('the test flow is invalid');
    await from.flows.save({ ...parsed.flow, source });
    const older = anExecution({ createdAt: new Date(Date.now() - 1000) });
    const done = { ...older, state: newState('SUCCESS') };
    await from.executions.create(older);
    await from.executions.save(done, { logs: [aLogEntry(older.id)] });
    const running = anExecution();
    await from.executions.create(running);
    const exported = await exportStore(from, join(root, 'export'), { executions: true });
    await from.close();
    expect(exported).toEqual({ flows: 1, executions: 2, kv: 0, triggers: 0 });
    expect(readFileSync(join(root, 'export', 'flows', 'company.team.hello.yaml'), 'utf8')).toBe(source);

    const to = createMemoryRuntime();
    const imported = await importStore(to, registry, join(root, 'export'));
    expect(imported).toEqual({ flows: 1, executions: 2, kv: 0, triggers: 0, skipped: 0, failed: [] });
    expect((await to.flows.get({ tenantId: 'main', namespace: 'company.team', id: 'hello' }))?.source).toBe(source);
    expect(await to.executions.get(older.id)).toEqual(done);
    expect((await to.logs.list(older.id)).map((l) => l.message)).toEqual(['hello wörld']);
    expect((await to.executions.search({ tenantId: 'main', page: 1, size: 10 })).results.map((e) => e.id)).toEqual([running.id, older.id]);
    expect((await to.queue.counts()).waiting).toBe(1);
    // Again: nothing doubles.
    expect(await importStore(to, registry, join(root, 'export'))).toMatchObject({ executions: 0, skipped: 2 });
    await to.close();
  });

  it('moves key-value entries and trigger states (cursor, counters, the API flag), and leaves what the target has', async () => {
    const from = createSqliteRuntime({ dir: join(root, 'kv-from') });
    const at = (namespace: string, key: string) => ({ tenantId: 'main', namespace, key });
    await from.kv.set(at('company.team', 'token'), { value: { deep: [1, 9007199254740993n] }, type: 'JSON', updated: '2026-12-01T00:00:00.000Z' });
    await from.kv.set(at('other', 'kept-there'), { value: 'from the export', updated: '2026-12-01T00:00:00.000Z' });
    await from.kv.set(at('other', 'ends'), { value: 'soon', updated: '2026-12-01T00:00:00.000Z', expiresAt: Date.now() + 100 });
    const polled = { tenantId: 'main', namespace: 'company.team', flowId: 'poller', triggerId: 'poll' };
    const paused = { ...polled, flowId: 'hooked', triggerId: 'hook' };
    await from.triggers.acquire(polled, 'old-worker', 60_000);
    await from.triggers.update(polled, 'old-worker', { cursor: { lastId: 41 }, lastEvaluatedAt: 1_000, nextPollAt: 2_000, lastExecutionId: 'e1', addExecutions: 3, addErrors: 1 });
    await from.triggers.setDisabled(paused, true, { kind: 'api', user: 'ada', at: 5 });
    const dir = join(root, 'kv-export');
    expect(await exportStore(from, dir, { executions: false })).toEqual({ flows: 0, executions: 0, kv: 3, triggers: 2 });
    await from.close();
    await new Promise((resolve) => setTimeout(resolve, 150));

    const to = createMemoryRuntime();
    await to.kv.set(at('other', 'kept-there'), { value: 'the target wins', updated: '2026-12-02T00:00:00.000Z' });
    expect(await importStore(to, registry, dir)).toEqual({ flows: 0, executions: 0, kv: 1, triggers: 2, skipped: 1, failed: [] });
    expect((await to.kv.get(at('company.team', 'token')))?.value).toEqual({ deep: [1, 9007199254740993n] });
    expect((await to.kv.get(at('other', 'kept-there')))?.value).toBe('the target wins');
    expect(await to.kv.get(at('other', 'ends'))).toBeUndefined();
    expect(await to.triggers.get(polled)).toMatchObject({ cursor: { lastId: 41 }, lastEvaluatedAt: 1_000, nextPollAt: 2_000, lastExecutionId: 'e1', executions: 3, errors: 1, disabled: false });
    expect((await to.triggers.get(polled))?.holder).toBeUndefined();
    expect(await to.triggers.get(paused)).toMatchObject({ disabled: true, disabledBy: { kind: 'api', user: 'ada', at: 5 } });
    // Again: the states are there now, so nothing is added twice to their counters.
    expect(await importStore(to, registry, dir)).toMatchObject({ kv: 0, triggers: 0, skipped: 4 });
    expect((await to.triggers.get(polled))?.executions).toBe(3);
    await to.close();
  });

  it('names a flow file the target refuses and imports the others', async () => {
    const dir = join(root, 'bad');
    await exportStore(createMemoryRuntime(), dir, { executions: false });
    writeFileSync(join(dir, 'flows', 'broken.yaml'), 'id: broken\nnamespace: x\ntasks:\n  - id: a\n    type: no.such.Type\n');
    writeFileSync(join(dir, 'flows', 'good.yaml'), source);
    const to = createMemoryRuntime();
    const imported = await importStore(to, registry, dir);
    expect(imported.flows).toBe(1);
    expect(imported.failed).toEqual([expect.stringMatching(/^broken\.yaml: 5:\d+ .*no\.such\.Type/)]);
    await to.close();
  });
});
