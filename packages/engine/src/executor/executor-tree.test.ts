import { describe, expect, it } from 'vitest';
import { createMemoryRuntime } from '../../../runtime-memory/src/index.js';
import { foreverSignals, treeRegistry } from '../../test/fixtures/tree-plugins.js';
import { createExecution } from '../execution/index.js';
import { parseFlow } from '../flow/index.js';
import type { Execution, TaskRun } from '../model/execution.js';
import { mapSecrets } from '../secrets/index.js';
import { createExecutor } from './index.js';
import { MAX_TASK_RUNS } from './plan-flowable.js';

const head = 'id: tree\nnamespace: company.team\n';

async function runFlow(body: string, inputs: Record<string, unknown> = {}) {
  const source = head + body;
  const parsed = parseFlow(source, treeRegistry);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => `${e.line}:${e.column} ${e.code} ${e.path}: ${e.message}`).join('\n'));
  const runtime = createMemoryRuntime();
  const flow = await runtime.flows.save({ ...parsed.flow, source });
  const execution = createExecution({ flow, inputs });
  await runtime.executions.create(execution);
  const ended = await createExecutor({ runtime, registry: treeRegistry, secrets: mapSecrets({}) }).run(execution.id, new AbortController().signal);
  const logs = await runtime.logs.list(execution.id);
  return { ended, messages: logs.map((l) => l.message), logs };
}

function problems(body: string): string[] {
  const parsed = parseFlow(head + body, treeRegistry);
  return parsed.ok ? [] : parsed.errors.map((e) => `${e.line}:${e.column} ${e.code} ${e.path}: ${e.message}`);
}

const runOf = (execution: Execution, taskId: string, value?: string): TaskRun | undefined =>
  execution.taskRunList.find((r) => r.taskId === taskId && (value === undefined || r.value === value));
const stateOf = (execution: Execution, taskId: string, value?: string) => runOf(execution, taskId, value)?.state.current;

describe('executor tree: flowable tasks', () => {
  it('runs nested flowables in order, each child under its parent\'s task run', async () => {
    const { ended, messages } = await runFlow(`tasks:
  - id: outer
    type: test.Seq
    tasks:
      - id: one
        type: test.Say
        text: one
      - id: inner
        type: test.Seq
        tasks:
          - id: two
            type: test.Say
            text: "two after {{ outputs.one.text }}"
  - id: last
    type: test.Say
    text: last
`);
    expect(ended.state.current).toBe('SUCCESS');
    expect(messages).toEqual(['one', 'two after one', 'last']);
    const outer = runOf(ended, 'outer');
    const inner = runOf(ended, 'inner');
    expect(runOf(ended, 'one')?.parentTaskRunId).toBe(outer?.id);
    expect(inner?.parentTaskRunId).toBe(outer?.id);
    expect(runOf(ended, 'two')?.parentTaskRunId).toBe(inner?.id);
    expect(runOf(ended, 'last')?.parentTaskRunId).toBeUndefined();
    expect(ended.taskRunList.map((r) => r.state.current)).toEqual(Array(5).fill('SUCCESS'));
    // A flowable's run ends after its children: its history is CREATED, RUNNING, SUCCESS.
    expect(outer?.state.histories.map((h) => h.state)).toEqual(['CREATED', 'RUNNING', 'SUCCESS']);
  });

  it('runs parallel branches at the same time (each waits for the others to have started)', async () => {
    const { ended } = await runFlow(`tasks:
  - id: par
    type: test.Par
    tasks:
${['a', 'b', 'c'].map((id) => `      - id: ${id}\n        type: test.Together\n        group: g\n        parties: 3\n        timeout: PT10S\n`).join('')}`);
    expect(ended.state.current).toBe('SUCCESS');
    expect(['a', 'b', 'c'].map((id) => stateOf(ended, id))).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
  });

  it('keeps to `concurrent`: two at a time, never three', async () => {
    const { ended } = await runFlow(`tasks:
  - id: par
    type: test.Par
    concurrent: 2
    tasks:
${['a', 'b', 'c', 'd'].map((id, i) => `      - id: ${id}\n        type: test.Together\n        group: g${Math.floor(i / 2)}\n        parties: 2\n        timeout: PT10S\n`).join('')}`);
    expect(ended.state.current).toBe('SUCCESS');
    expect(['a', 'b', 'c', 'd'].map((id) => runOf(ended, id)?.outputs.peak)).toEqual([2, 2, 2, 2]);
  });

  it('iterates: task runs carry the value, outputs are addressed by it, and nested loops see their parents', async () => {
    const { ended, messages } = await runFlow(`tasks:
  - id: each
    type: test.Each
    values: '["x", "y"]'
    tasks:
      - id: up
        type: test.Say
        text: "{{ taskrun.value | upper }}"
      - id: read
        type: test.Say
        text: "{{ taskrun.value }}={{ outputs.up[taskrun.value].text }}"
      - id: inner
        type: test.Each
        values: [1, 2]
        tasks:
          - id: pair
            type: test.Say
            text: "{{ parents[0].taskrun.value }}{{ taskrun.value }}/{{ parent.taskrun.value }}"
  - id: after
    type: test.Say
    text: "{{ outputs.up['y'].text }} {{ outputs.pair['x']['2'].text }} {{ outputs.each.count }}"
`);
    expect(ended.state.current).toBe('SUCCESS');
    expect(messages).toEqual(['X', 'x=X', 'x1/x', 'x2/x', 'Y', 'y=Y', 'y1/y', 'y2/y', 'Y x2/x 2']);
    expect(runOf(ended, 'up', 'y')?.parentTaskRunId).toBe(runOf(ended, 'each')?.id);
    expect(runOf(ended, 'pair', '2')?.value).toBe('2');
  });

  it('runs values at once within the limit', async () => {
    const { ended } = await runFlow(`tasks:
  - id: each
    type: test.Each
    values: [1, 2, 3, 4]
    limit: 2
    tasks:
      - id: wait
        type: test.Together
        group: "{{ taskrun.value | number <= 2 ? 'first' : 'second' }}"
        parties: 2
        timeout: PT10S
`);
    expect(ended.state.current).toBe('SUCCESS');
    expect(ended.taskRunList.filter((r) => r.taskId === 'wait').map((r) => r.outputs.peak)).toEqual([2, 2, 2, 2]);
  });

  it('passes over disabled children and honours runIf inside a flowable', async () => {
    const { ended, messages } = await runFlow(`tasks:
  - id: seq
    type: test.Seq
    tasks:
      - id: off
        type: test.Say
        text: off
        disabled: true
      - id: maybe
        type: test.Say
        text: maybe
        runIf: "{{ false }}"
      - id: on
        type: test.Say
        text: on
`);
    expect(ended.state.current).toBe('SUCCESS');
    expect(messages).toEqual(['on']);
    expect(runOf(ended, 'off')).toBeUndefined();
    expect(stateOf(ended, 'maybe')).toBe('SKIPPED');
  });
});

describe('executor tree: errors, finally, allowFailure, timeout', () => {
  it('runs the flow\'s errors after a failure and ends FAILED; the rest never runs', async () => {
    const { ended, messages } = await runFlow(`tasks:
  - id: bad
    type: test.Boom
    message: it broke
  - id: never
    type: test.Say
    text: never
errors:
  - id: handler
    type: test.Say
    text: "handling {{ tasks.bad.state }}"
`);
    expect(ended.state.current).toBe('FAILED');
    expect(messages).toEqual(['it broke', 'handling FAILED']);
    expect(runOf(ended, 'never')).toBeUndefined();
  });

  it('runs a flowable\'s own errors, then the flow\'s, then finally, in that order', async () => {
    const { ended, messages } = await runFlow(`tasks:
  - id: group
    type: test.Seq
    tasks:
      - id: bad
        type: test.Boom
        message: inner failure
    errors:
      - id: local
        type: test.Say
        text: local handler
    finally:
      - id: local_finally
        type: test.Say
        text: local finally
errors:
  - id: global
    type: test.Say
    text: global handler
finally:
  - id: cleanup
    type: test.Say
    text: cleanup
`);
    expect(ended.state.current).toBe('FAILED');
    expect(messages).toEqual(['inner failure', 'local handler', 'local finally', 'global handler', 'cleanup']);
    expect(stateOf(ended, 'group')).toBe('FAILED');
    expect(runOf(ended, 'local')?.parentTaskRunId).toBe(runOf(ended, 'group')?.id);
  });

  it('runs finally after success too, and a failure in it leaves the state to the tasks', async () => {
    const { ended, messages } = await runFlow(`tasks:
  - id: ok
    type: test.Say
    text: ok
finally:
  - id: broken_cleanup
    type: test.Boom
    message: cleanup failed
`);
    expect(messages).toEqual(['ok', 'cleanup failed']);
    expect(ended.state.current).toBe('SUCCESS');
  });

  it('ends WARNING with allowFailure on a task or a flowable, and with the AllowFailure-like plan', async () => {
    const { ended, messages } = await runFlow(`tasks:
  - id: lenient
    type: test.Lenient
    tasks:
      - id: bad
        type: test.Boom
        message: allowed
      - id: skipped
        type: test.Say
        text: skipped
  - id: loose
    type: test.Seq
    allowFailure: true
    tasks:
      - id: bad2
        type: test.Boom
        message: allowed too
  - id: tolerated
    type: test.Boom
    message: tolerated
    allowFailure: true
  - id: goes_on
    type: test.Say
    text: goes on
`);
    expect(ended.state.current).toBe('WARNING');
    expect(messages).toEqual(['allowed', 'allowed too', 'tolerated', 'goes on']);
    expect(['lenient', 'loose', 'tolerated'].map((id) => stateOf(ended, id))).toEqual(['WARNING', 'WARNING', 'WARNING']);
    expect(runOf(ended, 'skipped')).toBeUndefined();
  });

  it('stops starting branches after a failure, lets the running ones end, then fails', async () => {
    const { ended } = await runFlow(`tasks:
  - id: par
    type: test.Par
    concurrent: 1
    tasks:
      - id: bad
        type: test.Boom
        message: first fails
      - id: not_started
        type: test.Say
        text: never
`);
    expect(ended.state.current).toBe('FAILED');
    expect(stateOf(ended, 'par')).toBe('FAILED');
    expect(runOf(ended, 'not_started')).toBeUndefined();
  });

  it('aborts a task inside a flowable at its timeout, which fails it, and the sibling branches end', async () => {
    const { ended, logs } = await runFlow(`tasks:
  - id: par
    type: test.Par
    tasks:
      - id: slow
        type: test.Forever
        timeout: PT0.05S
      - id: quick
        type: test.Say
        text: quick
`);
    expect(ended.state.current).toBe('FAILED');
    expect(stateOf(ended, 'slow')).toBe('FAILED');
    expect(stateOf(ended, 'quick')).toBe('SUCCESS');
    expect(logs.find((l) => l.taskId === 'slow')?.message).toBe("task 'slow' timed out after PT0.05S");
  });
});

describe('executor tree: a store that fails mid-tree', () => {
  it('aborts the attempts still running when a save fails, so none runs on beside the next delivery', async () => {
    const source = `${head}tasks:
  - id: par
    type: test.Par
    tasks:
      - id: quick
        type: test.Say
        text: quick
      - id: slow
        type: test.Forever
`;
    const parsed = parseFlow(source, treeRegistry);
    if (!parsed.ok) throw new Error('invalid');
    const runtime = createMemoryRuntime();
    const flow = await runtime.flows.save({ ...parsed.flow, source });
    const execution = createExecution({ flow });
    await runtime.executions.create(execution);
    let saves = 0;
    const failing = { ...runtime, executions: { ...runtime.executions, save: async (e: Execution, o?: Parameters<typeof runtime.executions.save>[1]) => {
      // The first save starts both branches; the next (quick's end, while slow runs) fails.
      if (++saves === 2) throw new Error('store down');
      await runtime.executions.save(e, o);
    } } };
    const before = foreverSignals.length;
    await expect(createExecutor({ runtime: failing, registry: treeRegistry, secrets: mapSecrets({}) }).run(execution.id, new AbortController().signal)).rejects.toThrow('store down');
    expect(foreverSignals.length).toBe(before + 1);
    expect(foreverSignals.at(-1)?.aborted).toBe(true);
  });
});

describe('executor tree: bad plans and limits', () => {
  it('fails a flowable whose plan fails (a value that is not a list), names the cause, and runs errors', async () => {
    const { ended, logs } = await runFlow(`tasks:
  - id: each
    type: test.Each
    values: "not a list"
    tasks:
      - id: never
        type: test.Say
        text: never
errors:
  - id: handler
    type: test.Say
    text: handled
`);
    expect(ended.state.current).toBe('FAILED');
    expect(stateOf(ended, 'each')).toBe('FAILED');
    expect(logs.find((l) => l.taskId === 'each')?.message).toMatch(/not valid JSON|Unexpected token/);
    expect(logs.at(-1)?.message).toBe('handled');
  });

  it('refuses a plan that names a task that is not the flowable\'s child', async () => {
    const { ended, logs } = await runFlow(`tasks:
  - id: rogue
    type: test.Rogue
    other: elsewhere
    tasks:
      - id: child
        type: test.Say
        text: child
  - id: elsewhere
    type: test.Say
    text: elsewhere
`);
    expect(ended.state.current).toBe('FAILED');
    expect(logs[0]?.message).toBe("flowable task 'rogue' made an invalid plan: branches[0] names 'elsewhere', which is not one of its tasks");
  });

  it('refuses a plan whose branches wait for each other in a circle, instead of waiting forever', async () => {
    const { ended, logs } = await runFlow(`tasks:
  - id: circle
    type: test.Circle
    tasks:
      - { id: a, type: test.Say, text: a }
      - { id: b, type: test.Say, text: b }
`);
    expect(ended.state.current).toBe('FAILED');
    expect(logs[0]?.message).toBe("flowable task 'circle' made an invalid plan: its branches wait for each other in a circle (through 'a')");
  });

  it(`fails a flowable that would bring the execution past ${MAX_TASK_RUNS} task runs, naming the limit`, async () => {
    const { ended, logs } = await runFlow(`tasks:
  - id: each
    type: test.Each
    values: "{{ range(1, ${MAX_TASK_RUNS}) | json }}"
    tasks:
      - id: one
        type: test.Say
        text: "{{ taskrun.value }}"
`);
    expect(ended.state.current).toBe('FAILED');
    expect(ended.taskRunList).toHaveLength(1);
    expect(logs[0]?.message).toContain(`past the limit of ${MAX_TASK_RUNS}`);
  });

  it('refuses at save: timeout on a flowable, errors on a runnable, and invalid children, each at its place (a retry passes)', () => {
    expect(problems(`tasks:
  - id: seq
    type: test.Seq
    timeout: PT1S
    tasks:
      - id: a
        type: test.Say
        text: a
        retry:
          type: constant
          interval: PT1S
          maxAttempt: 3
      - id: b
        type: test.Say
        errors: []
      - id: a
        type: test.Nope
`)).toEqual([
      '6:5 FLOW_UNSUPPORTED tasks[0].timeout: timeout is not supported on a flowable task (Kestra ignores it there too); set timeout on the tasks inside it',
      "15:9 FLOW_INVALID_PROPS tasks[0].tasks[1].text: missing required property 'text'",
      "17:9 FLOW_INVALID_PROPS tasks[0].tasks[1].errors: unknown property 'errors'",
      '18:13 FLOW_DUPLICATE_ID tasks[0].tasks[2].id: Duplicate task id with name [a]',
      expect.stringMatching(/^19:15 PLUGIN_UNKNOWN_TYPE tasks\[0\]\.tasks\[2\]\.type: unknown type 'test.Nope'/),
    ]);
  });

  it('refuses a flow nested 100 levels deep at save, naming the limit', () => {
    let tasks = '- id: leaf\n  type: test.Say\n  text: leaf\n';
    for (let level = 0; level < 100; level++) {
      tasks = `- id: s${level}\n  type: test.Seq\n  tasks:\n${tasks.split('\n').filter(Boolean).map((line) => `    ${line}`).join('\n')}\n`;
    }
    const found = problems(`tasks:\n${tasks.split('\n').map((line) => (line ? `  ${line}` : line)).join('\n')}`);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/FLOW_YAML_TOO_COMPLEX .*nested too deeply/);
  });
});
