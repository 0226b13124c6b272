import type { BaseContext } from './context.js';

/**
 * The rendered inputs of a trigger, or one error per input that failed to render.
 * @public
 */
export type TriggerInputsResult =
  | { readonly ok: true; readonly inputs: Record<string, unknown> }
  | { readonly ok: false; readonly errors: readonly { readonly path: string; readonly message: string }[] };

/**
 * Renders a trigger's `inputs` (a prop marked `Dynamic(..., { renderedBy: 'plugin' })`) with
 * variables only the trigger has, such as the request it just parsed (`{{ trigger.body.name }}`).
 *
 * Every string inside a value is rendered, in maps and lists too; numbers, booleans and null
 * pass through. Each input that fails is reported under `inputs.<name>`, all of them at once,
 * so a webhook caller's 422 lists every problem.
 * @public
 */
export function renderTriggerInputs(
  ctx: Pick<BaseContext, 'render'>,
  inputs: Readonly<Record<string, unknown>>,
  extraVariables: Readonly<Record<string, unknown>>,
): TriggerInputsResult {
  const rendered: Record<string, unknown> = {};
  const errors: { path: string; message: string }[] = [];
  for (const [name, value] of Object.entries(inputs)) {
    try {
      rendered[name] = renderDeep(value, (template) => ctx.render(template, extraVariables));
    } catch (error) {
      errors.push({ path: `inputs.${name}`, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, inputs: rendered };
}

function renderDeep(value: unknown, render: (template: string) => string): unknown {
  if (typeof value === 'string') return render(value);
  if (Array.isArray(value)) return value.map((item) => renderDeep(item, render));
  if (typeof value === 'object' && value !== null) {
    // Object.fromEntries defines own properties, so a `__proto__` key in YAML stays plain data.
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderDeep(item, render)]));
  }
  return value;
}
