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

  it('saves several preconditions entries with a time window and resetOnSuccess, and refuses them without an id, at its line', () => {
    const both = (id: string) => withTrigger(`    preconditions:
${id}      resetOnSuccess: false
      timeWindow:
        type: SLIDING_WINDOW
        window: PT1H
      flows:
        - namespace: company.team
          flowId: a
        - namespace: company.team
          flowId: b
`);
    expect(problems(both('      id: both\n'))).toEqual([]);
    const found = problems(both(''));
    expect(found).toHaveLength(1);
    expect(found[0]?.line).toBe(11);
    expect(found[0]?.message).toMatch(/2 flows\/where entries .* `id`/);
  });

  it('refuses time window fields that do not fit its type, a daily window that never opens, and a filter missing its value', () => {
    const found = problems(withTrigger(`    preconditions:
      id: p
      timeWindow:
        type: DAILY_TIME_WINDOW
        window: PT1H
        startTime: "09:00"
        endTime: "06:00"
      where:
        - id: w
          filters:
            - field: FLOW_ID
              type: EQUAL_TO
`));
    expect(found.map((p) => p.path).sort()).toEqual([
      'triggers[0].preconditions.timeWindow.endTime',
      'triggers[0].preconditions.timeWindow.window',
      'triggers[0].preconditions.where[0].filters[0].value',
    ]);
    const deadline = problems(withTrigger(`    preconditions:
      timeWindow:
        type: DAILY_TIME_DEADLINE
      flows:
        - namespace: company.team
`));
    expect(deadline.map((p) => [p.path, p.message])).toEqual([['triggers[0].preconditions.timeWindow', 'a DAILY_TIME_DEADLINE needs `deadline`']]);
    expect(problems(withTrigger(`    preconditions:
      timeWindow:
        window: 1 hour
      flows:
        - namespace: company.team
`))).toHaveLength(1);
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
