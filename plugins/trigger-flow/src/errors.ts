import { defineErrorCatalog } from '@sluice/core';

/** The codes the Flow trigger raises when a flow is saved with what it cannot honour. */
export const flowTriggerErrors = defineErrorCatalog({
  /** Several `flows`/`where` entries wait for several executions within a window. */
  FLOW_TRIGGER_MULTI_EXECUTION_WINDOW: (count: number) =>
    `preconditions with ${count} flows/where entries wait for several executions to end within a time window, which Sluice does not run yet; ` +
    'keep one entry, or put the checks in `conditions` (all of them are checked against each ending execution)',
  FLOW_TRIGGER_UNSUPPORTED_WINDOW: (what: string) => `preconditions.${what} is not supported: with a single entry every matching execution fires at once`,
});
