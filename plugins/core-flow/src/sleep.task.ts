import { DURATION_PATTERN, Dynamic, Type, defineFlowableTask, parseDuration, type Static } from '@sluice/core';
import { sleepExamples } from './sleep.examples.js';

/** Props of the Sleep task. */
export const SleepProps = Type.Object(
  {
    duration: Dynamic(Type.String({ pattern: DURATION_PATTERN, description: 'How long to wait, as an ISO-8601 duration (`PT5S`, `PT10M`).' })),
  },
  { additionalProperties: false },
);
/** Props of the Sleep task, as `plan` receives them. */
export type SleepProps = Static<typeof SleepProps>;

/**
 * `io.kestra.plugin.core.flow.Sleep`: waits for a duration, then succeeds. Unlike Kestra's,
 * which blocks a worker thread, the wait holds no worker: the execution is queued again for its
 * end.
 * @public
 */
export const sleep = defineFlowableTask({
  type: 'io.kestra.plugin.core.flow.Sleep',
  title: 'Wait for a duration',
  description:
    'Waits for `duration`, then ends in SUCCESS and the flow goes on. The execution stays RUNNING meanwhile but holds ' +
    'no worker and no CPU: it is queued again for the end of the wait, and a restart in between loses nothing. A ' +
    '`timeout` shorter than the duration fails the task when it passes.',
  props: SleepProps,
  output: Type.Object({}),
  examples: sleepExamples,
  waits: true,
  plan: (ctx, { duration }) => {
    ctx.logger.info(`Waiting for ${duration}`);
    return { branches: [], concurrency: 1, wait: { durationMs: parseDuration(duration) } };
  },
});
