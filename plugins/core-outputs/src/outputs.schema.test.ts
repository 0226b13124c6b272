import { describe, expect, it } from 'vitest';
import { validateFlow } from '@sluice/plugin-testing';
import plugin from './index.js';

// What the host accepts and refuses when a flow with these tasks is saved.
const flow = (type: string, props: string) => `id: outputs
namespace: company.team
tasks:
  - id: t
    type: ${type}
${props}`;
const paths = (type: string, props: string) => validateFlow(flow(type, props), plugin).map((p) => p.path);

const RETURN = 'io.kestra.plugin.core.debug.Return';
const OUTPUT_VALUES = 'io.kestra.plugin.core.output.OutputValues';

describe('Return props at save time', () => {
  it('accepts a plain string, a template, no format, and the legacy type', () => {
    expect(paths(RETURN, '    format: hello\n')).toEqual([]);
    expect(paths(RETURN, '    format: "{{ flow.id }}"\n')).toEqual([]);
    expect(paths(RETURN, '')).toEqual([]);
    expect(paths('io.kestra.core.tasks.debugs.Return', '    format: hello\n')).toEqual([]);
  });

  it('refuses a format of another type and unknown props', () => {
    expect(paths(RETURN, '    format: { a: 1 }\n')).toEqual(['tasks[0].format']);
    expect(paths(RETURN, '    format: hi\n    value: x\n')).toEqual(['tasks[0].value']);
  });
});

describe('OutputValues props at save time', () => {
  it('accepts values of any type, templates at any depth, and no values', () => {
    expect(paths(OUTPUT_VALUES, '    values:\n      a: "{{ flow.id }}"\n      b: 1\n      c: [x, "{{ flow.id }}"]\n      d: { e: f }\n')).toEqual([]);
    expect(paths(OUTPUT_VALUES, '')).toEqual([]);
  });

  it('refuses values that are not a map, and unknown props', () => {
    expect(paths(OUTPUT_VALUES, '    values: [a, b]\n')).toEqual(['tasks[0].values']);
    expect(paths(OUTPUT_VALUES, '    values: { a: 1 }\n    value: x\n')).toEqual(['tasks[0].value']);
  });
});
