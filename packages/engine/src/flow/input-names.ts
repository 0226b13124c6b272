import { engineErrors } from '../errors.js';
import type { PathSegment } from '../plugins/value-errors.js';
import { isMapping, type Reporter } from './report.js';

const { FLOW_SCHEMA, FLOW_DEPRECATED } = engineErrors.codes;

/**
 * Kestra before 0.15 declared inputs with `name:`; Kestra still reads it as the `id` and marks it
 * deprecated. So does Sluice: each such input gets its `id` from `name`, with a warning at the
 * key. An input with both is refused when they differ, since only one can be its name.
 * Returns the flow with `name` turned into `id` (the input is not changed); `origins` records
 * each id that came from a name.
 */
export function acceptInputNames(value: unknown, reporter: Reporter, origins: Map<string, readonly PathSegment[]>): unknown {
  if (!isMapping(value) || !Array.isArray(value.inputs)) return value;
  const inputs = value.inputs.map((input: unknown, i) => {
    if (!isMapping(input) || !Object.hasOwn(input, 'name')) return input;
    const { name, ...rest } = input;
    const at: PathSegment[] = ['inputs', i, 'name'];
    if (rest.id !== undefined && rest.id !== null) {
      if (rest.id !== name) reporter.add(FLOW_SCHEMA, at, "'name' is the deprecated name of 'id'; keep only id", 'key');
      else reporter.warn(FLOW_DEPRECATED, at, engineErrors.FLOW_DEPRECATED('name', 'id').message, 'key');
      return rest;
    }
    reporter.warn(FLOW_DEPRECATED, at, engineErrors.FLOW_DEPRECATED('name', 'id').message, 'key');
    // A problem with the id points at the name that gave it.
    origins.set(`inputs[${i}].id`, at);
    return { id: name, ...rest };
  });
  return { ...value, inputs };
}
