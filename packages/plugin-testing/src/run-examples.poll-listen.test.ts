import { describe, expect, it } from 'vitest';
import { Type, definePluginPackage, defineTrigger } from '@sluice/core';
import { echo } from '../test/echo-task.js';
import { runExamples } from './run-examples.js';

// A task, a poll and a listen trigger of our own: the kit must not depend on first-party plugins.
const packages = [definePluginPackage({ tasks: [echo] })];

const flow = (type: string, count: number) => `id: events
namespace: kit.test
tasks:
  - id: say
    type: io.sluice.test.Echo
    message: "event {{ trigger.n }}"
triggers:
  - id: t
    type: ${type}
    count: ${count}
`;
const props = Type.Object({ count: Type.Integer({ minimum: 0, description: 'Events the source holds.' }) }, { additionalProperties: false });
const variables = Type.Object({ n: Type.Integer({ description: 'The event number.' }) });

const poll = defineTrigger({
  mode: 'poll',
  type: 'io.sluice.test.CountPoll',
  title: 'Counts',
  description: 'Polls `count` events.',
  props,
  variables,
  examples: [
    { title: 'starts the first event', flow: flow('io.sluice.test.CountPoll', 2), expect: { triggerVariables: { n: 0 }, logs: [{ level: 'INFO', message: 'event 0' }] } },
    { title: 'nothing to start', flow: flow('io.sluice.test.CountPoll', 0), expect: { status: 204 } },
  ],
  interval: () => 1000,
  async poll(_ctx, p, cursor) {
    const from = typeof cursor === 'number' ? cursor : 0;
    const starts = Array.from({ length: Math.max(0, p.count - from) }, (_, i) => ({ kind: 'start' as const, variables: { n: from + i }, key: String(from + i) }));
    return { starts, cursor: p.count };
  },
});

let stopped = 0;
const listen = defineTrigger({
  mode: 'listen',
  type: 'io.sluice.test.CountListen',
  title: 'Counts pushed',
  description: 'Emits `count` events, one per millisecond.',
  props,
  variables,
  examples: [{ title: 'starts the first event', flow: flow('io.sluice.test.CountListen', 3), expect: { triggerVariables: { n: 0 } } }],
  async listen(ctx, p, emit) {
    let n = 0;
    const timer = setInterval(() => {
      if (n < p.count && !ctx.signal.aborted) void emit({ kind: 'start', variables: { n: n++ } }).catch(() => undefined);
    }, 1);
    return async () => {
      clearInterval(timer);
      stopped++;
    };
  },
});

describe('runExamples with poll and listen triggers', () => {
  it('polls once from no cursor and runs the first start; no start is status 204', async () => {
    const results = await runExamples(poll, { packages });
    expect(results.map((r) => [r.ok, r.status])).toEqual([[true, 200], [true, 204]]);
    expect(results[0]?.execution?.labels).toContainEqual({ key: 'system.from', value: 'trigger' });
  });

  it('listens until the first event, runs it, and stops the listener', async () => {
    const results = await runExamples(listen, { packages });
    expect(results.map((r) => [r.ok, r.status])).toEqual([[true, 200]]);
    expect(stopped).toBe(1);
  });

  it('reports a listener that emits nothing within the timeout', async () => {
    const silent = defineTrigger({ ...listen, examples: [{ title: 'silent', flow: flow('io.sluice.test.CountListen', 0) }] });
    const [result] = await runExamples(silent, { packages, timeoutMs: 200, throwOnFailure: false });
    expect(result?.failures).toEqual(['expected status 200, got 204 (no event within 200 ms)']);
  });
});
