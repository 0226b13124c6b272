import { describe, expect, it } from 'vitest';
import { createRegistry, parseFlow } from '@sluice/engine';
import plugin from './index.js';
// The examples log through the Log task; a relative import keeps the plugin's package.json free
// of a dependency only its tests need.
import logPlugin from '../../core-log/src/index.js';

const registry = createRegistry([
  { pkg: plugin, info: { name: '@sluice/plugin-trigger-flow', version: '0', path: '', types: ['io.kestra.plugin.core.trigger.Flow'] } },
  { pkg: logPlugin, info: { name: '@sluice/plugin-core-log', version: '0', path: '', types: ['io.kestra.plugin.core.log.Log'] } },
]);

const withTrigger = (trigger: string) => `id: down
namespace: company.team
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: hi
triggers:
  - id: t
    type: io.kestra.plugin.core.trigger.Flow
${trigger}`;

const problems = (yaml: string) => {
  const parsed = parseFlow(yaml, registry);
  return parsed.ok ? [] : parsed.errors.map((e) => ({ path: e.path, line: e.line, message: e.message }));
};

describe('Flow trigger flows at save', () => {
  it('every example saves', () => {
    for (const example of plugin.triggers[0]?.examples ?? []) expect(problems(example.flow), example.title).toEqual([]);
  });

  it('refuses several preconditions entries (a multi-execution window) at their line', () => {
    const found = problems(withTrigger(`    preconditions:
      id: both
      flows:
        - namespace: company.team
          flowId: a
        - namespace: company.team
          flowId: b
`));
    expect(found).toHaveLength(1);
    expect(found[0]?.line).toBe(11);
    expect(found[0]?.message).toMatch(/2 flows\/where entries wait for several executions/);
  });

  it('refuses a time window, resetOnSuccess false, and a filter missing its value', () => {
    const found = problems(withTrigger(`    preconditions:
      resetOnSuccess: false
      timeWindow:
        type: DURATION_WINDOW
        window: PT1H
      where:
        - id: w
          filters:
            - field: FLOW_ID
              type: EQUAL_TO
`));
    expect(found.map((p) => p.path).sort()).toEqual([
      'triggers[0].preconditions.resetOnSuccess',
      'triggers[0].preconditions.timeWindow',
      'triggers[0].preconditions.where[0].filters[0].value',
    ]);
  });

  it('refuses states it never sees (PAUSED) and conditions it does not evaluate (MultipleCondition)', () => {
    expect(problems(withTrigger('    states: [PAUSED]\n'))).not.toEqual([]);
    expect(problems(withTrigger(`    conditions:
      - type: io.kestra.plugin.core.condition.MultipleCondition
        id: m
        window: P1D
        conditions: {}
`))).not.toEqual([]);
  });
});
