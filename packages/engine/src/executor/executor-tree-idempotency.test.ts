import { describe, expect, it } from 'vitest';
import { createMemoryRuntime } from '../../../runtime-memory/src/index.js';
import { sayRuns, treeRegistry } from '../../test/fixtures/tree-plugins.js';
import { createExecution } from '../execution/index.js';
import { parseFlow } from '../flow/index.js';
import type { Execution } from '../model/execution.js';
import type { Runtime } from '../ports/ports.js';
import { mapSecrets } from '../secrets/index.js';
import { createExecutor } from './index.js';
import { runCrashingAt } from '../../test/fixtures/crashing-worker.js';

// A worker dies at every save of a Parallel and of a ForEach, before or after the write lands;
// the next delivery must finish the execution with one task run per place in the tree and
// never run again a task run that was stored finished.

const PARALLEL = `id: par
namespace: company.team
tasks:
  - id: par
    type: test.Par
    tasks:
      - id: a
        type: test.Say
        text: "a"
      - id: b
        type: test.Say
        text: "b"
      - id: c
        type: test.Say
        text: "c"
  - id: last
    type: test.Say
    text: "last"
`;

const FOR_EACH = `id: each
namespace: company.team
tasks:
  - id: each
    type: test.Each
    values: [1, 2, 3]
    limit: 2
    tasks:
      - id: one
        type: test.Say
        text: "one {{ taskrun.value }}"
      - id: two
        type: test.Say
        text: "two {{ taskrun.value }} after {{ outputs.one[taskrun.value].text }}"
  - id: last
    type: test.Say
    text: "last"
`;

async function setup(source: string) {
  const parsed = parseFlow(source, treeRegistry);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const runtime = createMemoryRuntime();
  const flow = await runtime.flows.save({ ...parsed.flow, source });
  const execution = createExecution({ flow });
  await runtime.executions.create(execution);
  const events: string[] = [];
  await runtime.events.subscribe(execution.id, (e) => events.push(e.state));
  return { runtime, id: execution.id, events };
}

const runAs = (runtime: Runtime, id: string) => createExecutor({ runtime, registry: treeRegistry, secrets: mapSecrets({}) }).run(id, new AbortController().signal);


const placeOf = (run: Execution['taskRunList'][number], byId: Map<string, Execution['taskRunList'][number]>): string => {
  const parent = run.parentTaskRunId === undefined ? undefined : byId.get(run.parentTaskRunId);
  return `${parent ? `${placeOf(parent, byId)}/` : ''}${run.taskId}${run.value === undefined ? '' : `@${run.value}`}`;
};
const places = (execution: Execution) => {
  const byId = new Map(execution.taskRunList.map((r) => [r.id, r]));
  return execution.taskRunList.map((r) => placeOf(r, byId)).sort();
};
const sayCounts = (id: string) => {
  const counts = new Map<string, number>();
  for (const key of sayRuns.filter((k) => k.startsWith(`${id}/`))) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
};

describe.each([
  {
    name: 'a Parallel', source: PARALLEL, saves: 3,
    places: ['last', 'par', 'par/a', 'par/b', 'par/c'],
  },
  {
    name: 'a ForEach', source: FOR_EACH, saves: 6,
    places: ['each', 'each/one@1', 'each/one@2', 'each/one@3', 'each/two@1', 'each/two@2', 'each/two@3', 'last'],
  },
])('executor tree idempotency: $name', ({ source, saves, places: expected }) => {
  it(`runs in ${saves} saves, each task run once`, async () => {
    const { runtime, id, events } = await setup(source);
    let n = 0;
    const counting: Runtime = { ...runtime, executions: { ...runtime.executions, save: async (e, o) => (n++, runtime.executions.save(e, o)) } };
    const ended = await runAs(counting, id);
    expect(ended.state.current).toBe('SUCCESS');
    expect(n).toBe(saves);
    expect(places(ended)).toEqual(expected);
    expect([...sayCounts(id).values()].every((count) => count === 1)).toBe(true);
    expect(events).toEqual(['RUNNING', 'SUCCESS']);
  });

  for (const when of ['before-write', 'after-write'] as const) {
    for (let at = 1; at <= saves; at++) {
      it(`a worker crashing at save ${at} (${when}) is finished by the next delivery, repeating no finished task run`, async () => {
        const { runtime, id, events } = await setup(source);
        await expect(runCrashingAt(treeRegistry, runtime, id, at, when)).rejects.toThrow('crash');
        const stored = (await runtime.executions.get(id)) as Execution;
        const finished = new Set(stored.taskRunList.filter((r) => r.state.current === 'SUCCESS').map((r) => `${r.taskId}@${r.value ?? ''}`));
        const before = sayCounts(id);

        const ended = await runAs(runtime, id);

        expect(ended.state.current).toBe('SUCCESS');
        expect(ended.state.histories.map((h) => h.state)).toEqual(['CREATED', 'RUNNING', 'SUCCESS']);
        // One task run per place: a place that had a run was never started again.
        expect(places(ended)).toEqual(expected);
        expect(ended.taskRunList.every((r) => r.state.current === 'SUCCESS')).toBe(true);
        const after = sayCounts(id);
        for (const run of ended.taskRunList.filter((r) => r.taskId !== 'par' && r.taskId !== 'each')) {
          const key = [...after.keys()].find((k) => k.startsWith(`${id}/${run.taskId}/`) && (run.value === undefined || k.includes(` ${run.value}`)));
          expect(key).toBeDefined();
          const ran = after.get(key as string) ?? 0;
          // A task run stored finished never runs again; one cut short by the crash may run once more.
          if (finished.has(`${run.taskId}@${run.value ?? ''}`)) expect(ran).toBe(before.get(key as string));
          else expect(ran).toBeLessThanOrEqual(2);
        }
        expect(events.filter((e) => e === 'SUCCESS')).toHaveLength(1);
      });
    }
  }
});
