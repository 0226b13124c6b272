import { describe, expect, it } from 'vitest';
import { Dynamic, Type, defineTask } from '@sluice/core';
import { validateFlow } from './validate-flow.js';

const task = defineTask({
  type: 'io.sluice.test.Count',
  title: 'Count',
  description: 'Takes a number.',
  props: Type.Object({ n: Dynamic(Type.Integer({ description: 'A number.' })) }, { additionalProperties: false }),
  output: Type.Object({}),
  examples: [{ title: 'count', flow: 'id: c\nnamespace: kit.test\ntasks:\n  - id: c\n    type: io.sluice.test.Count\n    n: 1\n' }],
  run: () => ({}),
});
const flow = (n: string) => `id: c\nnamespace: kit.test\ntasks:\n  - id: c\n    type: io.sluice.test.Count\n    n: ${n}\n`;

describe('validateFlow', () => {
  it('returns no problem for a valid flow, templates accepted in Dynamic fields', () => {
    expect(validateFlow(flow('3'), task)).toEqual([]);
    expect(validateFlow(flow('"{{ inputs.n }}"'), task)).toEqual([]);
  });

  it('returns the problems with their path and position', () => {
    const problems = validateFlow(flow('three'), task);
    expect(problems).toEqual([expect.objectContaining({ path: 'tasks[0].n', line: 6, column: 8 })]);
  });
});
