import { describe, expect, it } from 'vitest';
import { Type, definePluginPackage, defineTrigger } from '@sluice/core';
import { echo } from '../test/echo-task.js';
import { runExamples } from './run-examples.js';

// A task and a schedule trigger of our own: the kit must not depend on the first-party plugins.

const flow = (minutes: number) => `id: ticking
namespace: kit.test
tasks:
  - id: say
    type: io.sluice.test.Echo
    message: "tick {{ trigger.at }}"
triggers:
  - id: t
    type: io.sluice.test.EveryMinutes
    minutes: ${minutes}
`;

const everyMinutes = defineTrigger({
  mode: 'schedule',
  type: 'io.sluice.test.EveryMinutes',
  title: 'Every n minutes',
  description: 'Ticks every n minutes; skips odd minutes.',
  props: Type.Object({ minutes: Type.Integer({ minimum: 1, description: 'Minutes between ticks.' }) }, { additionalProperties: false }),
  variables: Type.Object({ at: Type.String({ description: 'The tick.' }) }),
  examples: [
    { title: 'ticks', flow: flow(2), expect: { triggerVariables: { at: '2024-07-01T06:02:00.000Z' }, logs: [{ level: 'INFO', message: 'tick 2024-07-01T06:02:00.000Z' }] } },
    { title: 'skips an odd minute', flow: flow(3), expect: { status: 204 } },
  ],
  nextDate(props, after) {
    const step = props.minutes * 60_000;
    return new Date(Math.floor(after.getTime() / step) * step + step);
  },
  fire(_ctx, _props, tick) {
    if (tick.date.getUTCMinutes() % 2 === 1) return { kind: 'skip', reason: 'odd minute' };
    return { kind: 'start', variables: { at: tick.date.toISOString() } };
  },
});

describe('runExamples with a schedule trigger', () => {
  it("fires each example's first tick after the clock; a skipped tick is status 204", async () => {
    const results = await runExamples(everyMinutes, { packages: [definePluginPackage({ tasks: [echo] })], now: () => new Date('2024-07-01T06:00:30Z') });
    expect(results.map((r) => [r.ok, r.status])).toEqual([[true, 200], [true, 204]]);
    expect(results[0]?.execution?.labels).toContainEqual({ key: 'system.from', value: 'schedule' });
  });

  it('reports a wrong expected status with the reason', async () => {
    const wrong = defineTrigger({ ...everyMinutes, examples: [{ title: 'expects a start', flow: flow(3) }] });
    const results = await runExamples(wrong, { packages: [definePluginPackage({ tasks: [echo] })], now: () => new Date('2024-07-01T06:00:30Z'), throwOnFailure: false });
    expect(results[0]?.failures).toEqual(['expected status 200, got 204 (skip): odd minute']);
  });
});
