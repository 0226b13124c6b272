/**
 * `@sluice/plugin-core-execution`: Kestra's `io.kestra.plugin.core.execution.*` tasks that act on
 * the execution itself. Today: `Fail`.
 *
 * @packageDocumentation
 */
import { definePluginPackage } from '@sluice/core';
import { fail } from './fail.task.js';

export { fail, FailProps, FailOutput } from './fail.task.js';
export { executionErrors } from './errors.js';

export default definePluginPackage({ tasks: [fail] });
