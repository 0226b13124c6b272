import { describe, expect, it } from 'vitest';
import { validateFlow } from '@sluice/plugin-testing';
import plugin from './index.js';

// What the host accepts and refuses when a flow with a Log task is saved.
const flow = (props: string, type = 'io.kestra.plugin.core.log.Log') => `id: logs
namespace: company.team
tasks:
  - id: say
    type: ${type}
${props}`;
const paths = (props: string, type?: string) => validateFlow(flow(props, type), plugin).map((p) => p.path);

describe('Log props at save time', () => {
  it('accepts a string, a list, a level, and an expression for the level', () => {
    expect(paths('    message: hi\n')).toEqual([]);
    expect(paths('    message: [a, "{{ flow.id }}"]\n    level: DEBUG\n')).toEqual([]);
    expect(paths('    message: hi\n    level: "{{ inputs.level }}"\n')).toEqual([]);
  });

  it('accepts the legacy type name', () => {
    expect(paths('    message: hi\n', 'io.kestra.core.tasks.log.Log')).toEqual([]);
  });

  it('refuses a missing message, another type of message, an unknown level and unknown props', () => {
    expect(paths('    level: INFO\n')).toEqual(['tasks[0].message']);
    expect(paths('    message: { a: 1 }\n')).toEqual(['tasks[0].message']);
    expect(paths('    message: [a, { b: 1 }]\n')).toEqual(['tasks[0].message']);
    expect(paths('    message: hi\n    level: LOUD\n')).toEqual(['tasks[0].level']);
    expect(paths('    message: hi\n    lvl: INFO\n')).toEqual(['tasks[0].lvl']);
  });
});
