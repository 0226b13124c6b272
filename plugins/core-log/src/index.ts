/**
 * `@sluice/plugin-core-log`: Kestra's `io.kestra.plugin.core.log.Log` task.
 *
 * @packageDocumentation
 */
import { definePluginPackage } from '@sluice/core';
import { log } from './log.task.js';

export { log, LogProps, LogOutput } from './log.task.js';
export { logErrors } from './errors.js';

export default definePluginPackage({ tasks: [log] });
