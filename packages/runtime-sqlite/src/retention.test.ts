import { afterAll, describe, expect, it } from 'vitest';
import { newState, type Execution } from '@sluice/engine';
import { aLogEntry, anExecution } from '@sluice/runtime-contract';
import { createSqliteRuntime } from './index.js';
import { tempDirs } from './test-support.js';

const dirs = tempDirs('retention');
afterAll(() => dirs.cleanup());

const done = (execution: Execution): Execution => ({ ...execution, state: newState('SUCCESS') });

describe('the SQLite runtime\'s retention', () => {
  it('drops the oldest terminated executions past the count, with their logs, never a running one', async () => {
    const runtime = createSqliteRuntime({ dir: dirs.next(), retention: { maxExecutions: 3 } });
    try {
      const running = anExecution({ createdAt: new Date(Date.now() - 10_000) });
      await runtime.executions.create(running);
      const finished: Execution[] = [];
      for (let i = 0; i < 5; i++) {
        const execution = anExecution({ createdAt: new Date(Date.now() - 5000 + i) });
        await runtime.executions.create(execution);
        await runtime.executions.save(done(execution), { logs: [aLogEntry(execution.id)] });
        finished.push(execution);
      }
      expect(await runtime.sweep()).toBe(3);
      expect(await runtime.executions.get(running.id)).toBeDefined();
      for (const [i, execution] of finished.entries()) {
        expect(await runtime.executions.get(execution.id) !== undefined).toBe(i >= 3);
        expect((await runtime.logs.list(execution.id)).length).toBe(i >= 3 ? 1 : 0);
      }
      expect((await runtime.executions.search({ tenantId: 'main', page: 1, size: 10 })).total).toBe(3);
    } finally {
      await runtime.close();
    }
  });

  it('drops terminated executions older than the age', async () => {
    const runtime = createSqliteRuntime({ dir: dirs.next(), retention: { maxAgeSeconds: 60 } });
    try {
      const old = anExecution({ createdAt: new Date(Date.now() - 120_000) });
      const oldRunning = anExecution({ createdAt: new Date(Date.now() - 120_000) });
      const recent = anExecution();
      for (const e of [old, oldRunning, recent]) await runtime.executions.create(e);
      // Its age counts from its creation, whatever the saved state's dates.
      await runtime.executions.save(done(old));
      await runtime.executions.save(done(recent));
      expect(await runtime.sweep()).toBe(1);
      expect(await runtime.executions.get(old.id)).toBeUndefined();
      expect(await runtime.executions.get(oldRunning.id)).toBeDefined();
      expect(await runtime.executions.get(recent.id)).toBeDefined();
    } finally {
      await runtime.close();
    }
  });

  it('keeps the newest log lines of an execution past the limit', async () => {
    const runtime = createSqliteRuntime({ dir: dirs.next(), retention: { maxLogsPerExecution: 3 } });
    try {
      const execution = anExecution();
      await runtime.executions.create(execution);
      for (let i = 0; i < 5; i++) await runtime.logs.append([aLogEntry(execution.id, { message: `line ${i}` })]);
      await runtime.logs.append([aLogEntry(anExecution().id)]);
      expect((await runtime.logs.list(execution.id)).map((l) => l.message)).toEqual(['line 2', 'line 3', 'line 4']);
    } finally {
      await runtime.close();
    }
  });

  it('keeps the newest lines past the limit when a write stores several, cutting the oldest write it keeps part of', async () => {
    const runtime = createSqliteRuntime({ dir: dirs.next(), retention: { maxLogsPerExecution: 5 } });
    try {
      const execution = anExecution();
      const other = anExecution();
      await runtime.executions.create(execution);
      const lines = (from: number, count: number, id = execution.id) => Array.from({ length: count }, (_, i) => aLogEntry(id, { message: `line ${from + i}` }));
      await runtime.logs.append(lines(0, 3));
      await runtime.logs.append(lines(0, 4, other.id));
      await runtime.executions.save(execution, { logs: lines(3, 2) });
      expect((await runtime.logs.list(execution.id)).map((l) => l.message)).toEqual(['line 0', 'line 1', 'line 2', 'line 3', 'line 4']);
      await runtime.logs.append(lines(5, 2));
      expect((await runtime.logs.list(execution.id)).map((l) => l.message)).toEqual(['line 2', 'line 3', 'line 4', 'line 5', 'line 6']);
      // More than the limit in one write: its newest lines alone.
      await runtime.logs.append(lines(7, 7));
      expect((await runtime.logs.list(execution.id)).map((l) => l.message)).toEqual(['line 9', 'line 10', 'line 11', 'line 12', 'line 13']);
      expect((await runtime.logs.list(other.id)).map((l) => l.message)).toEqual(['line 0', 'line 1', 'line 2', 'line 3']);
      await runtime.logs.append(lines(14, 1));
      expect((await runtime.logs.list(execution.id)).map((l) => l.message)).toEqual(['line 10', 'line 11', 'line 12', 'line 13', 'line 14']);
    } finally {
      await runtime.close();
    }
  });
});

describe('the SQLite runtime\'s group commit', () => {
  it('stores creates asked for together (one transaction), each rejecting or resolving on its own', async () => {
    const runtime = createSqliteRuntime({ dir: dirs.next() });
    try {
      const taken = anExecution();
      await runtime.executions.create(taken);
      const fresh = Array.from({ length: 50 }, () => anExecution());
      const results = await Promise.allSettled([...fresh.map((e) => runtime.submit(e)), runtime.submit(taken)]);
      expect(results.slice(0, 50).every((r) => r.status === 'fulfilled')).toBe(true);
      expect(results[50]).toMatchObject({ status: 'rejected', reason: { code: 'RUNTIME_DUPLICATE_EXECUTION' } });
      expect((await runtime.executions.search({ tenantId: 'main', page: 1, size: 0 })).total).toBe(51);
      // The duplicate is queued all the same, as the port says.
      expect((await runtime.queue.counts()).waiting).toBe(51);
    } finally {
      await runtime.close();
    }
  });
});
