import { describe, expect, it } from 'vitest';
import { isSluiceError } from '@sluice/core';
import { createTaskContext, runExamples, validateFlow } from '@sluice/plugin-testing';
import plugin, { executionErrors, fail, FailProps } from './index.js';
// The examples log around the Fail task; a relative import keeps the plugin's package.json free
// of a dependency only its tests need.
import logPlugin from '../../core-log/src/index.js';

const codeOf = (work: () => unknown): string | undefined => {
  try {
    work();
  } catch (error) {
    return isSluiceError(error) ? error.code : 'not coded';
  }
  return undefined;
};

describe('Fail task', () => {
  it('always fails without a condition, with errorMessage or Kestra\'s default', () => {
    expect(() => fail.run(createTaskContext(), { errorMessage: 'stop' })).toThrow('stop');
    expect(() => fail.run(createTaskContext(), {})).toThrow('Task failure');
    expect(codeOf(() => fail.run(createTaskContext(), {}))).toBe(executionErrors.codes.FAIL_TASK);
  });

  it('fails on a truthy condition, logging errorMessage at ERROR first', () => {
    const ctx = createTaskContext({ variables: { inputs: { n: 5 } } });
    expect(codeOf(() => fail.run(ctx, { condition: '{{ inputs.n > 1 }}', errorMessage: 'too big' }))).toBe(executionErrors.codes.FAIL_ON_CONDITION);
    expect(ctx.logs).toEqual([{ level: 'ERROR', message: 'too big' }]);
  });

  it("reads the condition as Kestra's TruthUtils does", () => {
    for (const falsy of ['', 'false', 'FALSE', '0', '-0', 'null', false]) {
      expect(fail.run(createTaskContext(), { condition: falsy })).toEqual({});
    }
    for (const truthy of ['true', 'yes', '1', 'anything', true]) {
      expect(codeOf(() => fail.run(createTaskContext(), { condition: truthy }))).toBe(executionErrors.codes.FAIL_ON_CONDITION);
    }
  });

  it('keeps Kestra\'s type and legacy alias, and a strict schema', () => {
    expect(fail.type).toBe('io.kestra.plugin.core.execution.Fail');
    expect(fail.aliases).toEqual(['io.kestra.core.tasks.executions.Fail']);
    expect(FailProps.additionalProperties).toBe(false);
    const problems = validateFlow('id: f\nnamespace: company.team\ntasks:\n  - id: f\n    type: io.kestra.plugin.core.execution.Fail\n    reason: x\n', plugin);
    expect(problems.map((p) => [p.path, p.line, p.column])).toEqual([['tasks[0].reason', 6, 5]]);
  });

  it('runs its examples through the engine', async () => {
    const results = await runExamples(plugin, { packages: [logPlugin] });
    expect(results.every((result) => result.ok)).toBe(true);
    // A failed condition stops the flow: the task after it never runs (Kestra's FailTest: two task runs).
    expect(results[0]?.execution?.taskRunList.map((run) => [run.taskId, run.state.current])).toEqual([
      ['before', 'SUCCESS'],
      ['fail', 'FAILED'],
    ]);
    // A false condition lets it go on: every task runs and the execution succeeds.
    expect(results[1]?.execution?.taskRunList.map((run) => [run.taskId, run.state.current])).toEqual([
      ['check', 'SUCCESS'],
      ['after', 'SUCCESS'],
    ]);
  });
});
