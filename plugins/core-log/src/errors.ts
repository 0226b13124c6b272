import { defineErrorCatalog } from '@sluice/core';

/**
 * The codes the Log task raises. The host validates props before `run`, so these fire only when
 * a host (or a test) calls `run` with props that skipped validation; they keep Kestra's wording
 * ("Invalid message type") so the failure reads the same as in Kestra.
 */
export const logErrors = defineErrorCatalog({
  /** `message` was neither a string nor a list of strings. */
  LOG_INVALID_MESSAGE: (found: string) => `Invalid message type '${found}': expected a string or a list of strings`,
  /** `level` did not render to one of TRACE, DEBUG, INFO, WARN, ERROR. */
  LOG_INVALID_LEVEL: (found: string) => `Invalid level '${found}': expected one of TRACE, DEBUG, INFO, WARN, ERROR`,
});
