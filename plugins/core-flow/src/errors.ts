import { defineErrorCatalog } from '@sluice/core';

/** Most values one ForEach iterates over; see the README. */
export const MAX_FOREACH_VALUES = 2000;

/**
 * The codes the flowable tasks raise when their rendered props leave nothing sensible to run.
 * Each fails the task run with its message, and the execution goes on to its errors and end.
 */
export const flowErrors = defineErrorCatalog({
  /** ForEach's `values` rendered to something other than a list (or a JSON list). */
  FOREACH_NOT_A_LIST: (found: string) => `values must be a list, or a JSON string of a list; got ${found}`,
  /** ForEach's `values` held a null. */
  FOREACH_NULL_VALUE: (index: number) => `values[${index}] is null; a ForEach value cannot be null`,
  /** ForEach's `values` held more than {@link MAX_FOREACH_VALUES} distinct values. */
  FOREACH_TOO_MANY_VALUES: (count: number, limit: number) =>
    `values holds ${count} values, past the limit of ${limit} per ForEach; iterate over batches, or start one execution per batch`,
  /** Switch's `value` matched no case and the task has no `defaults`. */
  SWITCH_NO_MATCH: (value: string, cases: readonly string[]) =>
    `value '${value}' matches no case (${cases.length > 0 ? cases.map((c) => `'${c}'`).join(', ') : 'none declared'}) and there are no defaults`,
  /** A Dag's `dependsOn` names a task that is not in the Dag. */
  DAG_UNKNOWN_DEPENDENCY: (id: string) => `dependsOn names '${id}', which is not a task of this Dag`,
  /** A Dag's tasks depend on each other in a circle. */
  DAG_CYCLE: (ids: readonly string[]) => `the tasks depend on each other in a circle: ${ids.join(' -> ')}`,
  /** A Dag's plan found what the save check refuses (a flow saved before the check existed). */
  DAG_INVALID: (message: string) => message,
});

/** A value's type in words, for the messages above. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string '${value.length > 60 ? `${value.slice(0, 60)}...` : value}'`;
  return `a value of type ${typeof value}`;
}
