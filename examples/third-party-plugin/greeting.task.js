// @ts-check
import { Dynamic, Type, defineTask } from '@sluice/core';
import { greetingErrors } from './errors.js';
import { greetExamples } from './greeting.examples.js';

/** The punctuation used when a flow sets none. */
export const DEFAULT_PUNCTUATION = '!';

/**
 * Props of the Greet task: the schema is the single source of truth, for the host (which
 * validates flows with it) and for the type of `props` in `run`.
 */
export const GreetProps = Type.Object(
  {
    name: Dynamic(
      Type.String({ minLength: 1, description: 'Who to greet. Expressions such as `{{ trigger.body.name }}` are rendered first.' }),
    ),
    punctuation: Type.Optional(
      Type.Union([Type.Literal('!'), Type.Literal('.'), Type.Literal('?')], {
        default: DEFAULT_PUNCTUATION,
        description: 'The mark that ends the greeting.',
      }),
    ),
  },
  // Refusing unknown props makes a typo in a flow an error when the flow is saved.
  { additionalProperties: false },
);

/** Output of the Greet task: `{{ outputs.<taskId>.greeting }}` and `{{ outputs.<taskId>.length }}`. */
export const GreetOutput = Type.Object(
  {
    greeting: Type.String({ description: 'The greeting, e.g. `Hello, Ada!`.' }),
    length: Type.Integer({ minimum: 0, description: 'The number of characters of the greeting (Unicode code points).' }),
  },
  { additionalProperties: false },
);

/** @typedef {import('@sluice/core').Static<typeof GreetProps>} GreetPropsType */
/** @typedef {import('@sluice/core').Static<typeof GreetOutput>} GreetOutputType */

/** `com.example.greeting.Greet`: builds a greeting that later tasks read from its outputs. */
export const greet = defineTask({
  type: 'com.example.greeting.Greet',
  title: 'Greet someone',
  description: 'Builds a greeting for `name` and returns it, with its length, as outputs for the tasks that follow.',
  props: GreetProps,
  output: GreetOutput,
  examples: greetExamples,
  /**
   * @param {import('@sluice/core').TaskContext} ctx
   * @param {GreetPropsType} props
   * @returns {GreetOutputType}
   */
  run(ctx, { name, punctuation = DEFAULT_PUNCTUATION }) {
    // The host has rendered `name` and checked it is not empty; a template can still render to
    // spaces only, which the schema cannot see.
    const who = name.trim();
    if (who === '') throw greetingErrors.GREETING_NAME_BLANK();
    const greeting = `Hello, ${who}${punctuation}`;
    ctx.logger.debug(`greeting ${who}`);
    // Code points, not UTF-16 units, so an emoji counts as one character.
    return { greeting, length: [...greeting].length };
  },
});
