import type { BaseContext } from '@sluice/core';

/** The rendered inputs, or one error per input that failed to render. */
export type InputsResult =
  | { readonly ok: true; readonly inputs: Record<string, unknown> }
  | { readonly ok: false; readonly errors: readonly { readonly path: string; readonly message: string }[] };

/**
 * Renders the trigger's `inputs` with the tick's variables, so `{{ trigger.date }}` works. Every
 * string inside a value is rendered, in maps and lists too; other values pass through.
 */
export function renderInputs(ctx: Pick<BaseContext, 'render'>, inputs: Readonly<Record<string, unknown>>, extra: Readonly<Record<string, unknown>>): InputsResult {
  const rendered: Record<string, unknown> = {};
  const errors: { path: string; message: string }[] = [];
  for (const [name, value] of Object.entries(inputs)) {
    try {
      rendered[name] = renderDeep(value, (template) => ctx.render(template, extra));
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
