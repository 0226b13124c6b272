export { endedExecution, flowTriggerExecutionId, flowTriggersOf, matchFlowTrigger, type FlowTriggerFiring, type MatchFlowTriggerInput } from './match-flow-trigger.js';
