import { Type, type TSchema } from '@sinclair/typebox';

export { Type } from '@sinclair/typebox';
export type { Static, TSchema, TObject, TProperties, TString, TUnion, TLiteral } from '@sinclair/typebox';

/**
 * The JSON Schema keyword that marks a property as accepting `{{ }}` expressions.
 *
 * Its value says who renders it:
 * - `"host"`: the host renders every string inside the value before it validates the props and
 *   calls the plugin, so `run` receives the rendered, typed value.
 * - `"plugin"`: the host leaves the value as written and the plugin renders it itself, with
 *   variables only it knows (a webhook trigger's `inputs` need the request it just parsed).
 *
 * Either way, the host accepts an expression string in place of the value when a flow is
 * saved, and the keyword survives into the generated flow JSON Schema.
 *
 * @public
 */
export const DYNAMIC_KEYWORD = 'x-sluice-dynamic' as const;

/** Who renders a dynamic property. @public */
export type RenderedBy = 'host' | 'plugin';

/**
 * Options of {@link Dynamic}.
 * @public
 */
export interface DynamicOptions {
  /** Who renders the property; `"host"` unless the plugin needs variables only it has. */
  readonly renderedBy?: RenderedBy;
}

/**
 * Marks a property schema as accepting `{{ }}` expressions. The static type stays the
 * schema's own type, which is what the plugin receives after rendering.
 *
 * @example
 * ```ts
 * props: Type.Object({
 *   message: Dynamic(Type.String({ description: 'Text to log.' })),
 * }, { additionalProperties: false })
 * ```
 * @public
 */
export function Dynamic<T extends TSchema>(schema: T, options: DynamicOptions = {}): T {
  return Type.Unsafe({ ...schema, [DYNAMIC_KEYWORD]: options.renderedBy ?? 'host' }) as unknown as T;
}

/**
 * Who renders `schema` when it is marked {@link Dynamic}, or `undefined` when it takes no
 * expressions.
 * @public
 */
export function renderedBy(schema: TSchema): RenderedBy | undefined {
  const value = (schema as Record<string, unknown>)[DYNAMIC_KEYWORD];
  return value === 'host' || value === 'plugin' ? value : undefined;
}
