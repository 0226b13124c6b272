import { defineErrorCatalog } from '@sluice/core';

/** The codes the execution tasks raise. */
export const executionErrors = defineErrorCatalog({
  /** The Fail task ran without a condition: its message is the error message. */
  FAIL_TASK: (message: string) => message,
  /** The Fail task's condition was true; its error message was logged before. Kestra's wording. */
  FAIL_ON_CONDITION: () => 'Fail on a condition',
});
