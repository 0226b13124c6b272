import { defineErrorCatalog } from '@sluice/core';

/**
 * The codes the Return and OutputValues tasks raise. The host validates props before `run`, so
 * these fire only when a host (or a test) calls `run` with props that skipped validation; the
 * task run then fails with a message naming the prop instead of storing a malformed output.
 */
export const outputsErrors = defineErrorCatalog({
  /** Return's `format` was neither absent nor a string. */
  RETURN_INVALID_FORMAT: (found: string) => `Invalid format type '${found}': expected a string`,
  /** OutputValues' `values` was not a map of names to values. */
  OUTPUT_VALUES_INVALID: (found: string) => `Invalid values type '${found}': expected a map of names to values`,
});

/** A value's type in words, for the messages above. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  return typeof value;
}
