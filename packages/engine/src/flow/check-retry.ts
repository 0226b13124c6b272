import { engineErrors } from '../errors.js';
import { parseIsoDuration } from '../execution/iso-duration.js';
import type { PathSegment } from '../plugins/value-errors.js';
import { isMapping, type Reporter } from './report.js';

const { FLOW_SCHEMA, FLOW_UNSUPPORTED } = engineErrors.codes;

// The fields of each retry type besides the common ones, required first: Kestra's classes.
const FIELDS: Readonly<Record<string, { readonly required: readonly string[]; readonly optional: readonly string[] }>> = {
  constant: { required: ['interval'], optional: [] },
  exponential: { required: ['interval', 'maxInterval'], optional: ['delayFactor'] },
  random: { required: ['minInterval', 'maxInterval'], optional: [] },
};
const TYPED = ['interval', 'maxInterval', 'minInterval', 'delayFactor'];

/** Why `behavior: CREATE_NEW_EXECUTION` is refused at save. */
export const NEW_EXECUTION_UNSUPPORTED =
  'behavior CREATE_NEW_EXECUTION is not supported: Sluice retries the failed task within its execution (RETRY_FAILED_TASK, the default); remove behavior or set it to RETRY_FAILED_TASK';

/**
 * What the schema of a `retry` (task, flowable or flow) cannot say: the fields its `type`
 * requires and the ones it does not take, one of `maxAttempt`/`maxAttempts`, a random range
 * that is not empty, and `behavior: CREATE_NEW_EXECUTION`, which Sluice does not run (a
 * retry that starts a new execution would need replay; refused rather than run otherwise).
 * Shape errors (a wrong duration, an unknown field) are the schema's, reported apart.
 */
export function checkRetry(reporter: Reporter, retry: unknown, at: readonly PathSegment[]): void {
  if (!isMapping(retry)) return;
  if (retry.behavior === 'CREATE_NEW_EXECUTION') reporter.add(FLOW_UNSUPPORTED, [...at, 'behavior'], NEW_EXECUTION_UNSUPPORTED);
  if (retry.maxAttempt !== undefined && retry.maxAttempts !== undefined) {
    reporter.add(FLOW_SCHEMA, [...at, 'maxAttempts'], "'maxAttempt' and 'maxAttempts' are two names of one field; keep one", 'key');
  }
  const type = typeof retry.type === 'string' ? retry.type : undefined;
  const fields = type === undefined ? undefined : FIELDS[type];
  if (!fields) return;
  for (const key of fields.required) {
    if (retry[key] === undefined) reporter.add(FLOW_SCHEMA, at, `${type === 'exponential' ? 'an' : 'a'} ${type} retry requires '${key}'`, 'key');
  }
  for (const key of TYPED) {
    if (retry[key] !== undefined && !fields.required.includes(key) && !fields.optional.includes(key)) {
      reporter.add(FLOW_SCHEMA, [...at, key], `'${key}' is not a field of a ${type} retry`, 'key');
    }
  }
  if (type === 'random' && typeof retry.minInterval === 'string' && typeof retry.maxInterval === 'string') {
    const [min, max] = [parseIsoDuration(retry.minInterval), parseIsoDuration(retry.maxInterval)];
    if (min !== undefined && max !== undefined && min > max) reporter.add(FLOW_SCHEMA, [...at, 'minInterval'], 'minInterval must not be longer than maxInterval');
  }
}
