import { describe, expect, it } from 'vitest';
import { validateFlow } from '@sluice/plugin-testing';
import plugin from './index.js';
import logPlugin from '../../core-log/src/index.js';

// What each flowable task refuses when a flow is saved, each problem at its line and column.
const problems = (tasks: string) =>
  validateFlow(`id: f\nnamespace: company.team\ntasks:\n${tasks}`, plugin, { packages: [logPlugin] })
    .map((p) => `${p.line}:${p.column} ${p.code} ${p.path}: ${p.message}`);

describe('flowable tasks at save', () => {
  it('validates children like top-level tasks, with their own paths', () => {
    expect(problems(`  - id: seq
    type: io.kestra.plugin.core.flow.Sequential
    tasks:
      - id: a
        type: io.kestra.plugin.core.log.Log
        mesage: typo
  - id: route
    type: io.kestra.plugin.core.flow.Switch
    value: x
    cases:
      x:
        - id: a
          type: io.kestra.plugin.core.log.Log
          message: duplicate id
`)).toEqual([
      "7:9 FLOW_INVALID_PROPS tasks[0].tasks[0].message: missing required property 'message'",
      "9:9 FLOW_INVALID_PROPS tasks[0].tasks[0].mesage: unknown property 'mesage'",
      '15:15 FLOW_DUPLICATE_ID tasks[1].cases.x[0].id: Duplicate task id with name [a]',
    ]);
  });

  it('refuses unknown props, a missing task list, and a Parallel with a negative concurrent', () => {
    expect(problems(`  - id: p
    type: io.kestra.plugin.core.flow.Parallel
    concurrent: -1
    taks: []
`)).toEqual([
      "4:5 FLOW_INVALID_PROPS tasks[0].tasks: missing required property 'tasks'",
      '6:17 FLOW_INVALID_PROPS tasks[0].concurrent: must be greater than or equal to 0',
      "7:5 FLOW_INVALID_PROPS tasks[0].taks: unknown property 'taks'",
    ]);
  });

  it('refuses a Dag whose dependsOn names an unknown task, or whose tasks form a cycle', () => {
    const dag = (deps: [string, string[]][]) => `  - id: dag
    type: io.kestra.plugin.core.flow.Dag
    tasks:
${deps.map(([id, on]) => `      - task:\n          id: ${id}\n          type: io.kestra.plugin.core.log.Log\n          message: ${id}\n        dependsOn: [${on.join(', ')}]\n`).join('')}`;
    expect(problems(dag([['a', []], ['b', ['a', 'zz']]]))).toEqual([
      "16:24 FLOW_INVALID_PROPS tasks[0].tasks[1].dependsOn[1]: dependsOn names 'zz', which is not a task of this Dag",
    ]);
    expect(problems(dag([['a', ['c']], ['b', ['a']], ['c', ['b']]]))).toEqual([
      '11:20 FLOW_INVALID_PROPS tasks[0].tasks[0].dependsOn: the tasks depend on each other in a circle: a -> c -> b -> a',
    ]);
    expect(problems(dag([['a', []], ['b', ['a']]]))).toEqual([]);
  });

  it('refuses a Switch with no case and no defaults, which could only fail; one with cases, or defaults alone, is fine', () => {
    const route = (rest: string) => `  - id: route
    type: io.kestra.plugin.core.flow.Switch
    value: x
${rest}`;
    expect(problems(route('    cases: {}\n'))).toEqual([
      '7:12 FLOW_INVALID_PROPS tasks[0].cases: No task defined, neither cases or defaults have any tasks',
    ]);
    expect(problems(route('    defaults: []\n'))).toEqual([
      expect.stringMatching(/^\d+:\d+ FLOW_INVALID_PROPS tasks\[0\]\.cases: No task defined/),
    ]);
    expect(problems(route('    cases:\n      y:\n        - id: a\n          type: io.kestra.plugin.core.log.Log\n          message: y\n'))).toEqual([]);
    expect(problems(route('    defaults:\n      - id: a\n        type: io.kestra.plugin.core.log.Log\n        message: any\n'))).toEqual([]);
  });

  it('Pause and Sleep take a timeout (it bounds the wait); other flowables still refuse it; Pause refuses two names of one field, duplicate onResume ids and unknown props', () => {
    expect(problems(`  - id: pause
    type: io.kestra.plugin.core.flow.Pause
    timeout: PT1H
    pauseDuration: PT1M
    delay: PT2M
  - id: approve
    type: io.kestra.core.tasks.flows.Pause
    onResume:
      - id: ok
        type: BOOLEAN
      - id: ok
        type: STRING
    onPause:
      id: hello
      type: io.kestra.plugin.core.log.Log
      message: hi
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    timeout: PT1S
    duration: soon
  - id: seq
    type: io.kestra.plugin.core.flow.Sequential
    timeout: PT1S
    tasks:
      - id: a
        type: io.kestra.plugin.core.log.Log
        message: a
`)).toEqual([
      "8:12 FLOW_INVALID_PROPS tasks[0].delay: 'pauseDuration' and 'delay' are two names of one field; keep one",
      "16:5 FLOW_INVALID_PROPS tasks[1].onPause: unknown property 'onPause'",
      expect.stringMatching(/^23:15 FLOW_INVALID_PROPS tasks\[2\]\.duration: /),
      expect.stringMatching(/^26:5 FLOW_UNSUPPORTED tasks\[3\]\.timeout: timeout is not supported on a flowable task/),
    ]);
    expect(problems(`  - id: approve
    type: io.kestra.plugin.core.flow.Pause
    onResume:
      - id: ok
        type: BOOLEAN
      - id: ok
        type: STRING
`)).toEqual(['9:13 FLOW_INVALID_PROPS tasks[0].onResume[1].id: Duplicate input with name [ok]']);
  });
});
