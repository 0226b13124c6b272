/** The jq filter: Kestra's results (a list), jq's own language, and its bounds. */
import { describe, expect, it } from 'vitest';
import { evaluateExpression, renderTemplate } from './index.js';
import { JQ_LIMITS } from './jq-runner.js';
import { sluiceFailure } from '../../test/fixtures/sluice-failure.js';

describe('jq filter', () => {
  const vars = { body: { items: [{ id: 1, tags: ['a'] }, { id: 2, tags: [] }], n: null }, text: '{"a": {"b": [10, 20]}}' };

  it('returns the list of every result, as Kestra does', () => {
    expect(evaluateExpression("body | jq('.items[].id')", vars)).toEqual([1, 2]);
    expect(evaluateExpression("body | jq('.items | map(select(.tags | length > 0)) | .[0].id')", vars)).toEqual([1]);
    expect(evaluateExpression("body | jq('.nothing')", vars)).toEqual([null]);
    expect(evaluateExpression("body | jq('empty')", vars)).toEqual([]);
    expect(renderTemplate("{{ body | jq('.items[0]') | first }}", vars)).toBe('{"id":1,"tags":["a"]}');
  });

  it('reads a string input as JSON text, like a response body', () => {
    expect(renderTemplate("{{ text | jq('.a.b[1]') | first }}", vars)).toBe('20');
    expect(sluiceFailure(() => renderTemplate("{{ 'not json' | jq('.') }}", vars))).toMatchObject({ code: 'EXPRESSION_EVALUATION', message: expect.stringContaining('not JSON') });
  });

  it("prints Kestra's list when a loop value holding JSON text is filtered, as its each-object flow expects", () => {
    const loop = { parent: { taskrun: { value: '{"key":"my-key","value":"my-value"}' } } };
    expect(renderTemplate("JSON > {{ parent.taskrun.value | jq('.key') }} > {{ parent.taskrun.value | jq('.value') }}", loop)).toBe('JSON > ["my-key"] > ["my-value"]');
  });

  it('gives null for a null input, and keeps nulls inside values', () => {
    expect(evaluateExpression("body.n | jq('.')", vars)).toBeNull();
    expect(evaluateExpression("body | jq('.n == null')", vars)).toEqual([true]);
  });

  it('reports an invalid filter with jq\'s message, at the template position', () => {
    const failure = sluiceFailure(() => renderTemplate("x {{ body | jq('.items[') }}", vars));
    expect(failure.code).toBe('EXPRESSION_EVALUATION');
    expect(failure.message).toContain('invalid jq filter: jq: error: syntax error');
    expect(failure.message).toContain('at line 1, column');
  });

  it('reports a run-time failure without the data jq quotes', () => {
    const failure = sluiceFailure(() => evaluateExpression("data | jq('.password[]')", { data: { password: 's3cret-value' } }));
    expect(failure.code).toBe('EXPRESSION_EVALUATION');
    expect(failure.message).toContain('jq failed: Cannot iterate over string');
    expect(failure.message).not.toContain('s3cret');
  });

  it('cannot read the process environment or files', () => {
    process.env.SECRET_JQ_PROBE = 'c2VjcmV0';
    try {
      const keys = evaluateExpression("{} | jq('env | keys') | first", {}) as string[];
      expect(keys).not.toContain('SECRET_JQ_PROBE');
      expect(sluiceFailure(() => evaluateExpression('{} | jq(\'include "etc/passwd"; .\')', {})).message).toContain('module not found');
    } finally {
      delete process.env.SECRET_JQ_PROBE;
    }
  });

  it('stops a filter that never ends with EXPRESSION_LIMIT, and the next call works', () => {
    const started = Date.now();
    const failure = sluiceFailure(() => evaluateExpression("{} | jq('def f: f; f')", {}));
    expect(failure.code).toBe('EXPRESSION_LIMIT');
    expect(failure.message).toContain(`jq ran longer than ${JQ_LIMITS.timeoutMs} ms`);
    // Not a timed assertion of speed: the bound must hold, whatever the machine.
    expect(Date.now() - started).toBeLessThan(JQ_LIMITS.timeoutMs + JQ_LIMITS.startMs);
    expect(evaluateExpression("{'a': 1} | jq('.a + 1')", {})).toEqual([2]);
  });

  it('is a filter only: a jq() function is unknown', () => {
    expect(sluiceFailure(() => renderTemplate("{{ jq('.') }}", {})).code).toBe('EXPRESSION_SYNTAX');
  });
});
