import { describe, expect, it } from 'vitest';
import { Dynamic, Type, defineTask, definePluginPackage } from '@sluice/core';
import { createMemoryRuntime } from '../../../runtime-memory/src/index.js';
import { createExecution } from '../execution/index.js';
import type { FlowRevision, FlowTask } from '../flow/flow.types.js';
import { createRegistry } from '../plugins/index.js';
import { mapSecrets } from '../secrets/index.js';
import { createExecutor } from './index.js';

// Echoes its rendered message as an output; writes the store when `set` is given.
const echo = defineTask({
  type: 'dev.sluice.test.KvEcho',
  title: 'Echo',
  description: 'Returns its message; sets a key-value entry first when asked.',
  props: Type.Object({
    message: Dynamic(Type.Unknown({ description: 'What to return.' })),
    set: Type.Optional(Type.Object({ key: Type.String({ description: 'Key.' }), value: Type.Unknown({ description: 'Value.' }) }, { description: 'An entry to set.', additionalProperties: false })),
  }, { additionalProperties: false }),
  output: Type.Object({ message: Type.Unknown({ description: 'The message.' }) }),
  examples: [{ title: 'Echo', flow: 'id: x' }],
  async run(ctx, props) {
    if (props.set) await ctx.kv.set(ctx.ids.namespace, props.set.key, props.set.value);
    return { message: props.message };
  },
});
const registry = createRegistry([{ pkg: definePluginPackage({ tasks: [echo] }), info: { name: 'kv-test', version: '0.0.0', path: '/dev/null', types: [] } }]);
const task = (id: string, props: Record<string, unknown>, more: Partial<FlowTask> = {}): FlowTask =>
  ({ id, type: echo.type, disabled: false, allowFailure: false, allowWarning: false, props, ...more });

async function run(tasks: FlowTask[], seed: Record<string, unknown> = {}) {
  const runtime = createMemoryRuntime();
  // 'key' is company.team's, 'other:key' company.other's, 'namespace|key' that namespace's.
  for (const [entry, value] of Object.entries(seed)) {
    const [namespace, key] = entry.includes('|') ? entry.split('|') as [string, string] : [entry.startsWith('other:') ? 'company.other' : 'company.team', entry.replace('other:', '')];
    await runtime.kv.set({ tenantId: 'main', namespace, key }, { value, updated: new Date().toISOString() });
  }
  const flow: Omit<FlowRevision, 'revision' | 'updated' | 'deleted'> = {
    tenantId: 'main', id: 'flow', namespace: 'company.team', labels: [], inputs: [], variables: {}, outputs: [],
    tasks, triggers: [], disabled: false, extra: {}, source: JSON.stringify(tasks),
  };
  const execution = createExecution({ flow: await runtime.flows.save(flow) });
  await runtime.executions.create(execution);
  const ended = await createExecutor({ runtime, registry, secrets: mapSecrets({}) }).run(execution.id, new AbortController().signal);
  const logs = await runtime.logs.list(execution.id);
  await runtime.close();
  return { ended, logs, out: (id: string) => ended.taskRunList.find((r) => r.taskId === id)?.outputs.message };
}

describe('kv() in task templates', () => {
  it('reads entries of the flow namespace and of another, any JSON value', async () => {
    const { ended, out } = await run([task('a', { message: "{{ kv('greeting') }} {{ kv('n', 'company.other') + 1 }}" }), task('b', { message: "{{ kv('doc').items[1] }}" })], {
      greeting: 'hello', 'other:n': 41, doc: { items: ['x', 'y'] },
    });
    expect(ended.state.current).toBe('SUCCESS');
    expect(out('a')).toBe('hello 42');
    expect(out('b')).toBe('y');
  });

  it('fails the task on a missing key unless errorOnMissing=false, which gives null', async () => {
    const { ended, logs, out } = await run([task('soft', { message: "{{ kv('absent', errorOnMissing=false) ?? 'none' }}" }), task('hard', { message: "{{ kv('absent') }}" })]);
    expect(out('soft')).toBe('none');
    expect(ended.state.current).toBe('FAILED');
    expect(logs.map((l) => l.message)).toContainEqual(expect.stringContaining("kv(): no value for key 'absent' in namespace 'company.team'"));
  });

  it('looks a key missing in the flow namespace up in its parents, nearest first, unless a namespace is given', async () => {
    const { ended, logs, out } = await run([
      task('inherited', { message: "{{ kv('shared') }} {{ kv('both') }} {{ kv('top') }}" }),
      task('given', { message: "{{ kv('shared', 'company.team') }}" }),
    ], { 'company|shared': 'from company', 'company|both': 'from company', both: 'from the team', 'acme|top': 'elsewhere', 'company|top': 'from company too' });
    expect(out('inherited')).toBe('from company from the team from company too');
    expect(ended.state.current).toBe('FAILED');
    expect(logs.map((l) => l.message)).toContainEqual(expect.stringContaining("kv(): no value for key 'shared' in namespace 'company.team'"));
  });

  it('sees what an earlier task of the same execution set, and a key named by another kv() value', async () => {
    const { ended, out } = await run([
      task('set', { message: 'ok', set: { key: 'pointer', value: 'target' } }),
      task('read', { message: "{{ kv(kv('pointer')) }}" }),
    ], { target: 'found through the pointer' });
    expect(ended.state.current).toBe('SUCCESS');
    expect(out('read')).toBe('found through the pointer');
  });

  it('drives runIf', async () => {
    const { ended } = await run([task('maybe', { message: 'ran' }, { runIf: "{{ kv('enabled') }}" }), task('never', { message: 'ran' }, { runIf: "{{ kv('disabled') }}" })], { enabled: true, disabled: false });
    expect(ended.taskRunList.map((r) => `${r.taskId}:${r.state.current}`)).toEqual(['maybe:SUCCESS', 'never:SKIPPED']);
  });
});
