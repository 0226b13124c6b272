// @ts-check
import { defineErrorCatalog } from '@sluice/core';

/** Every error this package raises, with a stable code. */
export const inboxErrors = defineErrorCatalog({
  /**
   * `interval` is below what a folder scan should be asked to bear.
   * @param {string} interval @param {string} minimum
   */
  INBOX_INTERVAL_TOO_SHORT: (interval, minimum) => `interval ${interval} is below the minimum ${minimum}`,
  /**
   * `interval` is not an ISO-8601 duration.
   * @param {string} interval
   */
  INBOX_INTERVAL_INVALID: (interval) => `interval '${interval}' is not an ISO-8601 duration such as PT30S`,
});
