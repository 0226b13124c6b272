/**
 * `@sluice/plugin-core-outputs`: Kestra's `io.kestra.plugin.core.debug.Return` and
 * `io.kestra.plugin.core.output.OutputValues` tasks, which produce outputs for later tasks.
 *
 * @packageDocumentation
 */
import { definePluginPackage } from '@sluice/core';
import { outputValues } from './output-values.task.js';
import { returnTask } from './return.task.js';

export { returnTask, ReturnProps, ReturnOutput } from './return.task.js';
export { outputValues, OutputValuesProps, OutputValuesOutput } from './output-values.task.js';
export { outputsErrors } from './errors.js';

export default definePluginPackage({ tasks: [returnTask, outputValues] });
