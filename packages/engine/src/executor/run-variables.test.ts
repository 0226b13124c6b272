import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../expression/index.js';
import type { FlowRevision } from '../flow/flow.types.js';
import type { Execution, TaskRun } from '../model/execution.js';
import type { StateType } from '../model/state.js';
import { mentionsOutputs, outputsAndTasks, runVariables, variablesWithoutOutputs } from './run-variables.js';
import { withTaskRun } from './task-runs.js';

const flow = { id: 'f', namespace: 'n', revision: 1, tenantId: 'main', variables: { greeting: 'hi {{ outputs.each.count }}' } } as unknown as FlowRevision;
const run = (id: string, taskId: string, state: StateType, more: Partial<TaskRun> = {}): TaskRun => ({
  tenantId: 'main', id, executionId: 'e', namespace: 'n', flowId: 'f', taskId, attempts: [], outputs: {},
  state: { current: state, histories: [{ state, date: '2024-01-01T00:00:00.000Z' }] }, ...more,
});
const execution = (taskRunList: TaskRun[]): Execution => ({
  tenantId: 'main', id: 'e', namespace: 'n', flowId: 'f', flowRevision: 1, taskRunList, inputs: { x: 1 }, labels: [],
  state: { current: 'RUNNING', histories: [{ state: 'RUNNING', date: '2024-01-01T00:00:00.000Z' }] },
  metadata: { attemptNumber: 1, originalCreatedDate: '2024-01-01T00:00:00.000Z' },
});

const each = run('E', 'each', 'RUNNING', {
  outputs: { count: 2 }, value: undefined,
  plan: { branches: [{ value: 'a', taskIds: ['show'] }, { value: 'b', taskIds: ['show'] }], concurrency: 1, allowFailure: false },
});
const showA = run('A', 'show', 'SUCCESS', { parentTaskRunId: 'E', value: 'a', outputs: { text: 'A' } });
const showB = run('B', 'show', 'RUNNING', { parentTaskRunId: 'E', value: 'b' });
const task = { id: 'show', type: 'test.Log' };

describe('runVariables', () => {
  it('offers outputs, tasks and parents as before, keys in their order, to a spread as to a template', () => {
    const variables = runVariables(flow, execution([each, showA, showB]), task, showB);
    expect(Object.keys(variables)).toEqual(['flow', 'execution', 'task', 'taskrun', 'parents', 'parent', 'inputs', 'outputs', 'tasks', 'labels', 'vars']);
    const plain = { ...variables };
    expect(plain.outputs).toEqual({ each: { count: 2 }, show: { a: { text: 'A' } } });
    expect(plain.tasks).toEqual({ each: { state: 'RUNNING' }, show: { a: { state: 'SUCCESS' }, b: { state: 'RUNNING' } } });
    expect(plain.parents).toEqual([{ outputs: { count: 2 } }]);
    expect({ outputs: plain.outputs, tasks: plain.tasks }).toEqual(outputsAndTasks(execution([each, showA, showB])));
    expect(renderTemplate("{{ outputs.show['a'].text }} {{ tasks.show.b.state }} {{ render(vars.greeting) }}", variables)).toBe('A RUNNING hi 2');
    expect(Object.getPrototypeOf(variables)).toBe(Object.prototype);
    expect(() => renderTemplate('{{ outputs.constructor }}', variables)).toThrow();
  });

  it('builds outputs and tasks only for a template that reads them', () => {
    let reads = 0;
    // Building outputs and tasks reads every task run's state; nothing else here does.
    const counted = (r: TaskRun): TaskRun => {
      const { state, ...rest } = r;
      return Object.defineProperty({ ...rest }, 'state', { enumerable: true, get: () => (reads++, state) }) as TaskRun;
    };
    const runs = [each, showA, ...Array.from({ length: 50 }, (_, i) => run(`r${i}`, 'show', 'SUCCESS', { parentTaskRunId: 'E', value: `v${i}` }))].map(counted);
    const current = counted(showB);
    // The list as the executor derives it, so the parent is found by position.
    const list = withTaskRun(execution(runs), current);
    reads = 0;
    const variables = runVariables(flow, list, task, current);
    expect(renderTemplate('{{ taskrun.value }} of {{ execution.id }} after {{ parent.outputs.count }}', variables)).toBe('b of e after 2');
    // runVariables reads the state of the task run it renders for (its start date, attempts).
    const own = reads;
    expect(own).toBeLessThan(5);
    expect(renderTemplate('{{ outputs.show.v3 | length }}', variables)).toBe('0');
    expect(reads).toBeGreaterThan(own + 50);
    // Once built, kept for the other templates of the task.
    const built = reads;
    expect(renderTemplate('{{ tasks.show.v7.state }}', variables)).toBe('SUCCESS');
    expect(reads).toBe(built);
  });

  it('offers the same variables but outputs and tasks as a plain object, where reading them fails', () => {
    const list = execution([each, showA, showB]);
    const plain = variablesWithoutOutputs(flow, list, task, showB);
    const full = { ...runVariables(flow, list, task, showB) };
    delete full.outputs;
    delete full.tasks;
    expect(plain).toEqual(full);
    expect(Object.keys(plain)).toEqual(['flow', 'execution', 'task', 'taskrun', 'parents', 'parent', 'inputs', 'labels', 'vars']);
    expect(renderTemplate('{{ taskrun.value }} of {{ execution.id }} after {{ parent.outputs.count }}', plain)).toBe('b of e after 2');
    expect(() => renderTemplate('{{ outputs.show }}', plain)).toThrow(/outputs/);
  });
});

describe('mentionsOutputs', () => {
  const of = (props: Record<string, unknown>, runIf?: string) => mentionsOutputs({ props, ...(runIf === undefined ? {} : { runIf }) });
  it('finds outputs and tasks in props and runIf, and render(), which may read them from data', () => {
    expect(of({ message: '{{ trigger.body.name }} on {{ execution.id }}' })).toBe(false);
    expect(of({ message: ['a', { nested: '{{ outputs.t.value }}' }] })).toBe(true);
    expect(of({ message: "{{ tasks['t'].state }}" })).toBe(true);
    expect(of({ message: '{{ render(vars.text) }}' })).toBe(true);
    expect(of({ message: 'x' }, '{{ outputs.check.ok }}')).toBe(true);
  });
});
