import { defineErrorCatalog } from '@sluice/core';

/** The codes the Flow trigger raises when a flow is saved with what it cannot honour. */
export const flowTriggerErrors = defineErrorCatalog({
  /** Several `flows`/`where` entries make a window, which is stored under the preconditions' id. */
  FLOW_TRIGGER_WINDOW_WITHOUT_ID: (count: number) =>
    `preconditions with ${count} flows/where entries wait for several executions within a time window, which is kept under the preconditions' \`id\`: give them one`,
});
