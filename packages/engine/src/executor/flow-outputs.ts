import { engineErrors } from '../errors.js';
import { coercerFor } from '../execution/input-types.js';
import { renderDeep, type RenderOptions } from '../expression/index.js';
import type { FlowOutput } from '../flow/flow.types.js';

/**
 * The flow's `outputs` rendered against the finished execution, each checked against its
 * declared type like an input (so `type: INT` with value `"{{ outputs.a.count }}"` gives a
 * number). Throws on the first output that fails to render or to match its type, naming it:
 * Kestra fails the execution in that case rather than returning half the outputs.
 */
export function renderFlowOutputs(outputs: readonly FlowOutput[], variables: Readonly<Record<string, unknown>>, options: RenderOptions): Record<string, unknown> {
  const rendered: Record<string, unknown> = {};
  for (const output of outputs) {
    let value: unknown;
    try {
      value = renderDeep(output.value, variables, options);
    } catch (error) {
      throw engineErrors.EXECUTION_OUTPUTS_INVALID(`'${output.id}' failed to render: ${error instanceof Error ? error.message : String(error)}`, { cause: error, details: { output: output.id } });
    }
    const coerce = coercerFor(output.type);
    const result = coerce && value !== null && value !== undefined ? coerce(value, { id: output.id, type: output.type, required: false, extra: {} }) : { ok: true as const, value };
    if (!result.ok) throw engineErrors.EXECUTION_OUTPUTS_INVALID(`'${output.id}' ${result.message}`, { details: { output: output.id } });
    rendered[output.id] = result.value;
  }
  return rendered;
}
