/**
 * `@sluice/plugin-trigger-flow`: Kestra's `io.kestra.plugin.core.trigger.Flow` trigger.
 *
 * @packageDocumentation
 */
import { definePluginPackage } from '@sluice/core';
import { flowTrigger } from './flow.trigger.js';

export { flowTrigger } from './flow.trigger.js';
export { FlowTriggerProps, FlowTriggerVariables } from './flow.schema.js';
export { FlowCondition } from './conditions.js';
export { Preconditions, checkPreconditions } from './preconditions.js';
export { matchEnded, flowTriggerVariables } from './match.js';
export { END_STATES } from './states.js';
export { flowTriggerErrors } from './errors.js';

export default definePluginPackage({ triggers: [flowTrigger] });
