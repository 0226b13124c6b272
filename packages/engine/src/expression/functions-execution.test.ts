/** The functions over the execution's data: read(), errorLogs(), currentEachOutput(). */
import { describe, expect, it } from 'vitest';
import { renderTemplate } from './index.js';
import { sluiceFailure } from '../../test/fixtures/sluice-failure.js';

describe('currentEachOutput()', () => {
  const outputs = {
    single: { a: { value: 'A' }, b: { value: 'B' } },
    nested: { x: { '1': { value: 'x1' }, '2': { value: 'x2' } }, y: { '1': { value: 'y1' } } },
  };

  it("picks the current iteration's outputs by taskrun.value, one level per enclosing loop (parents, outermost first)", () => {
    expect(renderTemplate('{{ currentEachOutput(outputs.single).value }}', { outputs, taskrun: { value: 'b' } })).toBe('B');
    // Kestra's `parents` is closest first: the walk starts from its end.
    const parents = [{ taskrun: { value: 'y' } }, { outputs: { ignored: true } }];
    expect(renderTemplate('{{ currentEachOutput(outputs.nested).value }}', { outputs, taskrun: { value: '1' }, parents })).toBe('y1');
    expect(renderTemplate("{{ currentEachOutput(outputs=outputs.single)['value'] }}", { outputs, taskrun: { value: 'a' } })).toBe('A');
  });

  it('is null outside an iteration or for a value with no outputs, and fails on a path of loop values with none', () => {
    expect(renderTemplate('{{ currentEachOutput(outputs.single) ?? "none" }}', { outputs, taskrun: { id: 'r' } })).toBe('none');
    expect(renderTemplate('{{ currentEachOutput(outputs.single) ?? "none" }}', { outputs, taskrun: { value: 'c' } })).toBe('none');
    expect(sluiceFailure(() => renderTemplate('{{ currentEachOutput(outputs.nested) }}', { outputs, taskrun: { value: '1' }, parents: [{ taskrun: { value: 'z' } }] })).message)
      .toContain("currentEachOutput found no outputs for the current task run's path of loop values");
  });

  it('needs the outputs of a task, a map', () => {
    const found = sluiceFailure(() => renderTemplate("{{ currentEachOutput('text') }}", { taskrun: { value: 'a' } }));
    expect(found).toEqual({ code: 'EXPRESSION_EVALUATION', message: expect.stringContaining('currentEachOutput expects outputs of a task (a map), not string') });
    // A `{% set %}` variable named like the loop's context does not steer it: only the render's own variables do.
    expect(renderTemplate("{% set taskrun = {'value': 'a'} %}{{ currentEachOutput(outputs.single).value }}", { outputs, taskrun: { value: 'b' } })).toBe('B');
  });
});

describe('errorLogs() and read()', () => {
  it('return what the host read ahead', () => {
    const functions = {
      errorLogs: () => [{ taskId: 'pay', level: 'ERROR', message: 'declined' }],
      read: (uri: string) => (uri === 'kestra:///a/f/executions/e/x.txt' ? 'hello' : 'other'),
    };
    expect(renderTemplate('{{ errorLogs() | length }} {{ errorLogs()[0].taskId }}: {{ errorLogs()[0].message }}', {}, { functions })).toBe('1 pay: declined');
    expect(renderTemplate("{{ read('kestra:///a/f/executions/e/x.txt') | upper }}", {}, { functions })).toBe('HELLO');
    expect(renderTemplate("{{ read(path='kestra:///a/f/executions/e/x.txt') }}", {}, { functions })).toBe('hello');
  });

  it('fail clearly where the host reads no execution data (a trigger, flow outputs), and on a path that is not text', () => {
    expect(sluiceFailure(() => renderTemplate('{{ errorLogs() }}', {})).message).toContain('errorLogs() reads the execution\'s logs in task properties and conditions only');
    expect(sluiceFailure(() => renderTemplate("{{ read('kestra:///x') }}", {})).message).toContain('read() reads files of the execution in task properties and conditions only');
    expect(sluiceFailure(() => renderTemplate('{{ read(42) }}', {}, { functions: { read: () => '' } })).message).toContain('read needs a kestra:/// URI, not number');
  });
});
