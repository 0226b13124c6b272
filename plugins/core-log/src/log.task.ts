import { Dynamic, LOG_LEVELS, Type, defineTask, type LogLevel, type Static } from '@sluice/core';
import { logErrors } from './errors.js';
import { logExamples } from './log.examples.js';

/** The five SLF4J levels Kestra's Log task accepts, as a schema. */
const Level = Type.Union(
  LOG_LEVELS.map((level) => Type.Literal(level)),
  { description: 'The level of the log lines: TRACE, DEBUG, INFO, WARN or ERROR. Accepts an expression that renders to one of them.', default: 'INFO' },
);

/** Props of the Log task. */
export const LogProps = Type.Object(
  {
    message: Dynamic(
      Type.Union([Type.String(), Type.Array(Type.String())], {
        description: 'The message to log: a string, or a list of strings logged as one line each. Expressions are rendered.',
      }),
    ),
    level: Type.Optional(Dynamic(Level)),
  },
  { additionalProperties: false },
);
/** Props of the Log task, as `run` receives them. */
export type LogProps = Static<typeof LogProps>;

/** Kestra's `VoidOutput`: the Log task produces no output values. */
export const LogOutput = Type.Object({}, { additionalProperties: false, description: 'No output values.' });
/** Output of the Log task. */
export type LogOutput = Static<typeof LogOutput>;

const LEVELS: ReadonlySet<string> = new Set(LOG_LEVELS);

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list containing a non-string';
  return typeof value;
}

/**
 * The lines to write. Kestra logs one line per list element, so a list is never joined; the
 * host has already rendered every string, so nothing is rendered here.
 */
function linesOf(message: unknown): readonly string[] {
  if (typeof message === 'string') return [message];
  if (Array.isArray(message) && message.every((line): line is string => typeof line === 'string')) return message;
  throw logErrors.LOG_INVALID_MESSAGE(describeType(message));
}

function levelOf(level: unknown): LogLevel {
  if (level === undefined) return 'INFO';
  if (typeof level === 'string' && LEVELS.has(level)) return level as LogLevel;
  throw logErrors.LOG_INVALID_LEVEL(String(level));
}

/**
 * `io.kestra.plugin.core.log.Log`: writes messages to the execution's logs.
 * @public
 */
export const log = defineTask({
  type: 'io.kestra.plugin.core.log.Log',
  aliases: ['io.kestra.core.tasks.log.Log'],
  title: 'Log a message',
  description:
    'Writes a message, or one line per element of a list of messages, to the execution log at the chosen level. ' +
    'The lines reach the execution\'s logs unless the task\'s or flow\'s `logLevel` filters that level out. Produces no outputs.',
  props: LogProps,
  output: LogOutput,
  examples: logExamples,
  // Only log lines, which the host stores with the task run's end: running it again after a
  // crash that lost that end stores them once.
  sideEffectFree: true,
  run(ctx, props) {
    const level = levelOf(props.level);
    for (const line of linesOf(props.message)) ctx.logger.log(level, line);
    return {};
  },
});
