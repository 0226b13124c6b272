import { Dynamic, LOG_LEVELS, Type, defineTask, type Static } from '@sluice/core';
import { echoExamples } from './echo.examples.js';
import { LogOutput } from './log.task.js';

/** Props of the Echo task: Kestra's, where `level` takes no expression. */
export const EchoProps = Type.Object(
  {
    format: Dynamic(Type.String({ pattern: '\\S', description: 'The message to log; must not be blank. Expressions are rendered.' })),
    level: Type.Optional(
      Type.Union(LOG_LEVELS.map((level) => Type.Literal(level)), { description: 'The level of the line: TRACE, DEBUG, INFO, WARN or ERROR.', default: 'INFO' }),
    ),
  },
  { additionalProperties: false },
);
/** Props of the Echo task, as `run` receives them. */
export type EchoProps = Static<typeof EchoProps>;

/**
 * `io.kestra.plugin.core.debug.Echo`: Kestra's deprecated forerunner of the Log task, still
 * found in older flows (and in Kestra's own test flows). It logs `format` at `level`.
 * @public
 */
export const echo = defineTask({
  type: 'io.kestra.plugin.core.debug.Echo',
  aliases: ['io.kestra.core.tasks.debugs.Echo'],
  title: 'Log a message (deprecated: use Log)',
  description:
    'Writes `format` to the execution log at `level`, as the Log task does with one message. Kestra deprecated it in favour of ' +
    '`io.kestra.plugin.core.log.Log`; Sluice runs it so older flows keep working. Produces no outputs.',
  props: EchoProps,
  output: LogOutput,
  examples: echoExamples,
  // One log line, stored with the task run's end (see Log).
  sideEffectFree: true,
  run(ctx, props) {
    ctx.logger.log(props.level ?? 'INFO', props.format);
    return {};
  },
});
