// @ts-check
import { defineErrorCatalog } from '@sluice/core';

/**
 * Every error this package raises, with a stable code. The code is what users search for and
 * tests assert; the message may change.
 */
export const greetingErrors = defineErrorCatalog({
  /** `name` rendered to nothing but whitespace, e.g. from an empty webhook field. */
  GREETING_NAME_BLANK: () => 'name rendered to a blank string: there is nobody to greet',
});
