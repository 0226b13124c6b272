import { describe, expect, it } from 'vitest';
import { parseJson, stringifyJson } from '@sluice/core';
import type { FlowRevision } from '../flow/flow.types.js';
import type { Execution, TaskRun } from '../model/execution.js';
import { newTaskRun } from '../executor/task-runs.js';
import { createExecution, storedExecutionJson } from './index.js';

const flow = {
  tenantId: 'main', id: 'each', namespace: 'company.team', labels: [], inputs: [], variables: {}, outputs: [], tasks: [], triggers: [],
  disabled: false, extra: {}, revision: 1, source: 'id: each', updated: '2024-01-01T00:00:00.000Z', deleted: false,
} satisfies FlowRevision;
const task = { id: 'show', type: 'io.kestra.plugin.core.log.Log', disabled: false, allowFailure: false, allowWarning: false, props: {} };
const date = new Date('2024-05-01T12:00:00.000Z');

/** An execution whose trigger body holds `body`, with `runs` task runs carrying `outputs`. */
function executionWith(body: unknown, runs: number, outputs: Record<string, unknown> = {}): Execution {
  const execution = createExecution({ flow, now: date, trigger: { id: 'hook', type: 'io.kestra.plugin.core.trigger.Webhook', variables: { body } } });
  const taskRunList = Array.from({ length: runs }, (_, i) => ({ ...newTaskRun(execution, task, date, { value: `v${i}` }), outputs: { i, ...outputs } }));
  return { ...execution, taskRunList };
}

describe('storedExecutionJson', () => {
  it('writes exactly what stringifyJson writes, whatever the execution holds', () => {
    const cases: Execution[] = [
      executionWith({ a: 1 }, 0),
      executionWith({ a: 1 }, 1),
      executionWith(null, 25),
      // A body that holds the key, even the key and an empty list, changes nothing.
      executionWith({ taskRunList: [], nested: { taskRunList: 'x' } }, 3),
      executionWith('"taskRunList":[]', 2),
      // Integers beyond 2^53, in the head and in the task runs, stay exact.
      executionWith({ id: 12345678901234567890n }, 3, { big: 98765432109876543210n }),
    ];
    for (const execution of cases) {
      const text = storedExecutionJson(execution);
      expect(text).toBe(stringifyJson(execution));
      // Twice: the second time from the kept text of each task run.
      expect(storedExecutionJson(execution)).toBe(text);
      expect(parseJson(text)).toEqual(execution);
    }
  });

  it('serializes a task run once: a save that changed one task run does not serialize the others again', () => {
    const serialized: string[] = [];
    // toJSON runs each time JSON.stringify serializes the object: a count of serializations.
    const counted = (run: TaskRun): TaskRun => {
      const plain = { ...run };
      return Object.defineProperty({ ...run }, 'toJSON', { value: () => (serialized.push(run.id), plain), enumerable: false });
    };
    const execution = executionWith({ a: 1 }, 100);
    const runs = execution.taskRunList.map(counted);
    const first = { ...execution, taskRunList: runs };
    storedExecutionJson(first);
    expect(serialized).toHaveLength(100);

    // The next save: one task run changed (a new object, as the executor makes), the other 99 the same objects.
    serialized.length = 0;
    const changed = counted({ ...(execution.taskRunList[42] as TaskRun), outputs: { done: true } });
    const next = { ...first, taskRunList: runs.map((run, i) => (i === 42 ? changed : run)) };
    const text = storedExecutionJson(next);
    expect(serialized).toEqual([changed.id]);
    expect(text).toBe(stringifyJson(next));
  });

  it('freezes a task run once its text is kept: changing it in place throws instead of leaving a stale text', () => {
    const execution = executionWith({ a: 1 }, 2);
    storedExecutionJson(execution);
    const run = execution.taskRunList[0] as { outputs: Record<string, unknown> };
    expect(() => {
      run.outputs.late = 1;
    }).toThrow(TypeError);
    expect(storedExecutionJson(execution)).toBe(stringifyJson(execution));
  });
});
