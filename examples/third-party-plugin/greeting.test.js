// The package's own tests, run with `vitest run` in this folder (and, in the Sluice repository,
// by the root unit project). They use only public packages: @sluice/core, @sluice/plugin-testing
// and, for the examples that log the greeting, @sluice/plugin-core-log.
import { describe, expect, it } from 'vitest';
import { isPluginPackage, isSluiceError } from '@sluice/core';
import { createTaskContext, runExamples, validateFlow } from '@sluice/plugin-testing';
import logPlugin from '@sluice/plugin-core-log';
import plugin, { greet, greetingErrors } from './index.js';

describe('Greet task', () => {
  it('greets the name with the punctuation and returns the length', async () => {
    const ctx = createTaskContext();
    expect(await greet.run(ctx, { name: 'Ada', punctuation: '?' })).toEqual({ greeting: 'Hello, Ada?', length: 11 });
    expect(ctx.logs).toEqual([{ level: 'DEBUG', message: 'greeting Ada' }]);
  });

  it('ends with "!" when no punctuation is given, as the schema default says', async () => {
    expect(await greet.run(createTaskContext(), { name: 'Ada' })).toEqual({ greeting: 'Hello, Ada!', length: 11 });
    expect(greet.props.properties.punctuation.default).toBe('!');
  });

  it('counts characters, not UTF-16 units', async () => {
    expect(await greet.run(createTaskContext(), { name: '🚀' })).toEqual({ greeting: 'Hello, 🚀!', length: 9 });
  });

  it('refuses a name that is only whitespace with a coded error', () => {
    let thrown;
    try {
      greet.run(createTaskContext(), { name: '   ' });
    } catch (error) {
      thrown = error;
    }
    expect(isSluiceError(thrown) && thrown.code).toBe(greetingErrors.codes.GREETING_NAME_BLANK);
    expect(() => greet.run(createTaskContext(), { name: '\t' })).toThrow(expect.objectContaining({ code: 'GREETING_NAME_BLANK' }));
  });

  it('is the default export of the package, with a strict props schema', () => {
    expect(isPluginPackage(plugin)).toBe(true);
    expect(plugin.tasks).toEqual([greet]);
    expect(greet.props.additionalProperties).toBe(false);
    expect(greet.props.required).toEqual(['name']);
  });
});

describe('Greet props at save time', () => {
  const flow = (props) => `id: greet\nnamespace: company.team\ntasks:\n  - id: greet\n    type: com.example.greeting.Greet\n${props}`;
  const paths = (props) => validateFlow(flow(props), plugin).map((problem) => problem.path);

  it('accepts a name, a template name and each punctuation', () => {
    expect(paths('    name: Ada\n')).toEqual([]);
    expect(paths('    name: "{{ trigger.body.name }}"\n    punctuation: "."\n')).toEqual([]);
  });

  it('refuses a missing name, another punctuation, a template punctuation and unknown props', () => {
    expect(paths('    punctuation: "!"\n')).toEqual(['tasks[0].name']);
    expect(paths('    name: Ada\n    punctuation: ";"\n')).toEqual(['tasks[0].punctuation']);
    // punctuation is not Dynamic, so an expression is refused rather than rendered.
    expect(paths('    name: Ada\n    punctuation: "{{ inputs.p }}"\n')).toEqual(['tasks[0].punctuation']);
    expect(paths('    name: Ada\n    nmae: Bob\n')).toEqual(['tasks[0].nmae']);
  });
});

describe('Greet examples', () => {
  it('run through the engine with the Log task, which reads the greeting from the outputs', async () => {
    const results = await runExamples(plugin, { packages: [logPlugin] });
    expect(results).toHaveLength(2);
    const greetRun = results[0]?.execution?.taskRunList.find((run) => run.taskId === 'greet');
    expect(greetRun?.outputs).toEqual({ greeting: 'Hello, World!', length: 13 });
  });

  it('fail the task run when the name renders blank, with its message in the log', async () => {
    const blank = {
      ...greet,
      examples: [{
        title: 'blank',
        flow: 'id: blank\nnamespace: company.team\ntasks:\n  - id: greet\n    type: com.example.greeting.Greet\n    name: "{{ \' \' }}"\n',
        expect: { state: 'FAILED', logs: [{ level: 'ERROR', message: 'name rendered to a blank string: there is nobody to greet' }] },
      }],
    };
    const [result] = await runExamples(blank);
    expect(result?.ok).toBe(true);
  });
});
