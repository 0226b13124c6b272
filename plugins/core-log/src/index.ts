/**
 * `@sluice/plugin-core-log`: Kestra's `io.kestra.plugin.core.log.Log` task, and its deprecated
 * forerunner `io.kestra.plugin.core.debug.Echo`.
 *
 * @packageDocumentation
 */
import { definePluginPackage } from '@sluice/core';
import { echo } from './echo.task.js';
import { log } from './log.task.js';

export { log, LogProps, LogOutput } from './log.task.js';
export { echo, EchoProps } from './echo.task.js';
export { logErrors } from './errors.js';

export default definePluginPackage({ tasks: [log, echo] });
