// A task of the kit's own tests: the kit must not depend on the first-party plugins.
import { Dynamic, Type, defineTask } from '@sluice/core';

/** Logs its message at INFO. */
export const echo = defineTask({
  type: 'io.sluice.test.Echo',
  title: 'Echo',
  description: 'Logs its message.',
  props: Type.Object({ message: Dynamic(Type.String({ description: 'What to log.' })) }, { additionalProperties: false }),
  output: Type.Object({}),
  examples: [{ title: 'echo', flow: 'id: x' }],
  run(ctx, { message }) {
    ctx.logger.info(message);
    return {};
  },
});
