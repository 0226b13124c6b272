import type { FlowInput } from '../flow/flow.types.js';
import { coercerFor } from './input-types.js';

/** One problem with one input, with the path the API reports (`inputs.<id>`). */
export interface InputError {
  readonly path: string;
  readonly message: string;
}

/** The outcome of {@link readInputs}. */
export type InputsResult =
  | { readonly ok: true; readonly inputs: Record<string, unknown> }
  | { readonly ok: false; readonly errors: readonly InputError[] };

// A form field left empty arrives as '' (or null from JSON); for every type but STRING that
// means "not given", so the default applies instead of a type error.
function isMissing(value: unknown, type: string): boolean {
  if (value === undefined || value === null) return true;
  return value === '' && !['STRING', 'SECRET'].includes(type.toUpperCase());
}

/**
 * Validates and coerces raw input values against a flow's declared `inputs`, the way Kestra's
 * `FlowInputOutput.readExecutionInputs` does: defaults fill missing values, a required input
 * without value or default is an error, an optional one becomes `null` (so `{{ inputs.x ?? 'y' }}`
 * works in strict mode), and a name the flow does not declare is an error (Kestra ignores it,
 * which hides typos in callers). Collects every error instead of stopping at the first.
 */
export function readInputs(declared: readonly FlowInput[], raw: Readonly<Record<string, unknown>> = {}): InputsResult {
  const errors: InputError[] = [];
  const inputs: Record<string, unknown> = {};
  const known = new Set(declared.map((input) => input.id));
  for (const name of Object.keys(raw)) {
    if (!known.has(name)) errors.push({ path: `inputs.${name}`, message: `the flow declares no input '${name}'` });
  }
  for (const input of declared) {
    const path = `inputs.${input.id}`;
    const coerce = coercerFor(input.type);
    if (!coerce) {
      errors.push({ path, message: `input type ${input.type} is not supported` });
      continue;
    }
    const given = Object.hasOwn(raw, input.id) ? raw[input.id] : undefined;
    const value = isMissing(given, input.type) ? input.defaults : given;
    if (isMissing(value, input.type)) {
      if (input.required) errors.push({ path, message: `missing required input value '${input.id}'` });
      else inputs[input.id] = null;
      continue;
    }
    const result = coerce(value, input);
    // The message names the expected shape only: echoing the value would leak SECRET inputs.
    if (result.ok) inputs[input.id] = result.value;
    else errors.push({ path, message: `invalid value for input '${input.id}': ${result.message}` });
  }
  return errors.length === 0 ? { ok: true, inputs } : { ok: false, errors };
}
