// @ts-check
/**
 * `sluice-plugin-greeting`: the entry point Sluice's loader imports. Its default export must be
 * the value `definePluginPackage` returns; the named exports are for tests and for other code.
 */
import { definePluginPackage } from '@sluice/core';
import { greet } from './greeting.task.js';

export { greet, GreetProps, GreetOutput, DEFAULT_PUNCTUATION } from './greeting.task.js';
export { greetingErrors } from './errors.js';

export default definePluginPackage({ tasks: [greet] });
