import { describe, expect, it } from 'vitest';
import { testRegistry } from '../../test/fixtures/test-plugins.js';
import { decodeFlowSource } from './flow-bytes.js';
import { parseFlow } from './parse.js';
import type { FlowProblem, ParseResult } from './problems.js';

const registry = testRegistry();
const errorsOf = (result: ParseResult): readonly FlowProblem[] => {
  if (result.ok) throw new Error('expected errors');
  return result.errors;
};
const TASKS = 'tasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n';

describe('reading YAML safely', () => {
  it('refuses a billion laughs quickly', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const name = String.fromCharCode(97 + i);
      const previous = String.fromCharCode(96 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const source = `id: bomb\nnamespace: company.team\nvariables:\n  ${levels.join('\n  ')}\n${TASKS}`;
    const started = performance.now();
    const errors = errorsOf(parseFlow(source, registry));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'FLOW_YAML_TOO_COMPLEX', line: 1, column: 1 });
    expect(errors[0]?.message).toContain('aliases expand too much');
  });

  it('still reads a few aliases and merge keys', () => {
    const source = `id: f\nnamespace: n\nvariables:\n  base: &base { a: 1 }\n  more:\n    <<: *base\n    b: 2\n${TASKS}`;
    const result = parseFlow(source, registry);
    expect(result.ok && result.flow.variables).toEqual({ base: { a: 1 }, more: { a: 1, b: 2 } });
  });

  it('reports a syntax error with its line and column', () => {
    expect(errorsOf(parseFlow('id: f\nnamespace: n\ntasks:\n  - id: t\n    message: a: b\n', registry))).toEqual([
      { code: 'FLOW_YAML_SYNTAX', path: '', message: 'Nested mappings are not allowed in compact mappings', line: 5, column: 14 },
    ]);
    expect(errorsOf(parseFlow('id: f\nnamespace: @n\n', registry))).toEqual([
      { code: 'FLOW_YAML_SYNTAX', path: '', message: 'Plain value cannot start with reserved character @', line: 2, column: 12 },
    ]);
    expect(errorsOf(parseFlow('id: f\nnamespace: n\ntasks: [a, b\n', registry))[0]).toMatchObject({ code: 'FLOW_YAML_SYNTAX', line: 4, column: 1 });
  });

  it('refuses duplicate keys, at the second one', () => {
    const errors = errorsOf(parseFlow(`id: f\nnamespace: n\n${TASKS}    message: again\n`, registry));
    expect(errors).toEqual([{ code: 'FLOW_DUPLICATE_KEY', path: 'tasks[0].message', message: "duplicate key 'message'", line: 7, column: 5 }]);
  });

  it('refuses a source over the size cap before parsing it', () => {
    const source = `id: f\nnamespace: n\ndescription: "${'x'.repeat(2 * 1024 * 1024)}"\n${TASKS}`;
    expect(errorsOf(parseFlow(source, registry))).toEqual([
      { code: 'FLOW_YAML_TOO_COMPLEX', path: '', message: `the source is ${source.length} bytes, more than the 1048576 accepted`, line: 1, column: 1 },
    ]);
    expect(errorsOf(parseFlow(`id: f\nnamespace: n\n${TASKS}`, registry, { maxBytes: 10 }))[0]?.code).toBe('FLOW_YAML_TOO_COMPLEX');
  });

  it('refuses nesting past the depth cap, and nesting that exhausts the parser', () => {
    const deep = `id: f\nnamespace: n\nvariables:\n  v: ${'['.repeat(70)}${']'.repeat(70)}\n${TASKS}`;
    const errors = errorsOf(parseFlow(deep, registry));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'FLOW_YAML_TOO_COMPLEX', message: 'nesting deeper than 64 levels', line: 4 });
    // Each of these takes yaml's parser seconds; the lexer's bound refuses them at once.
    for (const hostile of [`id: x\nv: ${'['.repeat(300_000)}`, `- ${'- '.repeat(300_000)}x`, `${'? '.repeat(300_000)}x`, `a: ${'{a: '.repeat(100_000)}`]) {
      const started = performance.now();
      expect(errorsOf(parseFlow(hostile, registry))).toEqual([
        { code: 'FLOW_YAML_TOO_COMPLEX', path: '', message: 'the document is nested too deeply', line: hostile.startsWith('id') ? 2 : 1, column: 1 },
      ]);
      expect(performance.now() - started).toBeLessThan(200);
    }
  });

  it('says a document that is not a mapping is not a flow', () => {
    expect(errorsOf(parseFlow('- a\n- b\n', registry))).toEqual([
      { code: 'FLOW_SCHEMA', path: '', message: 'a flow must be a mapping with at least id, namespace and tasks', line: 1, column: 1 },
    ]);
  });
});

describe('input that would be silently changed is refused', () => {
  it.each([
    ['!!js/function', 'variables:\n  f: !!js/function "function () { return 1 }"\n', 4, 6],
    ['!!python/object', 'variables:\n  p: !!python/object/apply:os.system ["ls"]\n', 4, 6],
    ['a custom tag', 'variables:\n  c: !custom 1\n', 4, 6],
    ['!!binary (YAML 1.1)', 'variables:\n  b: !!binary aGVsbG8=\n', 4, 15],
  ])('an unknown tag, %s, with its line and column', (tag, variables, line, column) => {
    const errors = errorsOf(parseFlow(`id: f\nnamespace: n\n${variables}${TASKS}`, registry));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'FLOW_YAML_UNKNOWN_TAG', line, column });
    expect(errors[0]?.message).toContain(tag.split(' ')[0]);
  });

  it('takes the core schema\'s tags', () => {
    const result = parseFlow(`id: f\nnamespace: n\nvariables:\n  s: !!str 5\n  i: !!int "3"\n${TASKS}`, registry);
    expect(result.ok && result.flow.variables).toEqual({ s: '5', i: 3 });
  });

  it('refuses bytes that are not UTF-8 with the line and column of the first bad byte', () => {
    const bytes = Buffer.concat([Buffer.from('id: f\nnamespace: n\nvariables:\n  name: caf'), Buffer.from([0xe9]), Buffer.from(`\n${TASKS}`)]);
    expect(decodeFlowSource(bytes)).toEqual({
      ok: false,
      errors: [{ code: 'FLOW_YAML_ENCODING', path: '', message: 'the source is not valid UTF-8 (byte 0xe9)', line: 4, column: 12 }],
    });
    expect(decodeFlowSource(Buffer.from('id: café ✓ 🚀\n'))).toEqual({ ok: true, source: 'id: café ✓ 🚀\n' });
    expect(decodeFlowSource(Buffer.from([0x61, 0xed, 0xa0, 0x80])).ok).toBe(false);
  });
});
