/**
 * Kestra's `render(template, recursive=true)` and `renderOnce(template)`: render a string that
 * holds a template, such as a flow variable written with expressions (`render(vars.greeting)`),
 * since variables are not rendered on their own.
 *
 * This is the one place where a value becomes a template, so it is held to three rules:
 * - it runs in the render that called it: same variables (the global ones, as Kestra: not the
 *   loop and `set` variables), same step, loop and output budget, nested at most
 *   {@link RENDER_LIMITS.depth} deep and repeated at most {@link RENDER_LIMITS.passes} times;
 * - only text the flow's author wrote may read secrets: inside `render()` of anything that is not
 *   one of the flow's variables (`vars`), `secret()` is refused, so a webhook body that says
 *   `{{ secret('DB_PASSWORD') }}` renders to an error, never to the password;
 * - the sandbox is the same as everywhere: no prototypes, globals or process.
 *
 * The functions are declarations (hoisted) because functions.ts reaches this module through an
 * import cycle (compile → parser → functions).
 */
import { compileTemplate } from './compile.js';
import { EvalContext, NO_SCOPE } from './evaluate.js';
import { Output, renderNodes } from './render.js';
import type { Args, CallContext } from './registry.js';
import type { ExpressionFunctions } from './types.js';
import { entriesOf, isPlainObject, typeName } from './values.js';

export const RENDER_LIMITS = Object.freeze({
  /** render() inside text that render() renders, and so on. */
  depth: 10,
  /** Passes of a recursive render before it must be stable. */
  passes: 10,
});

const depths = new WeakMap<EvalContext, number>();
// As index.ts's hasTemplate; not imported from there, which would add a module cycle.
const MARKUP = /\{[{%#]/;

/** Every string the flow's author wrote in `variables`, found in `vars`. */
function authored(ctx: EvalContext): ReadonlySet<string> {
  const out = new Set<string>();
  const walk = (value: unknown, depth: number): void => {
    if (depth > 50) return;
    if (typeof value === 'string') out.add(value);
    else if (Array.isArray(value)) for (const item of value) walk(item, depth + 1);
    else if (isPlainObject(value)) for (const [, item] of entriesOf(value)) walk(item, depth + 1);
  };
  walk(Object.hasOwn(ctx.variables, 'vars') ? ctx.variables.vars : undefined, 0);
  return out;
}

/** The functions a rendered text may use: all of them for the author's own text, no secret() for data. */
function functionsFor(ctx: EvalContext, text: string, base: ExpressionFunctions): ExpressionFunctions {
  if (authored(ctx).has(text)) return base;
  return {
    ...base,
    secret: () =>
      ctx.fail("secret() cannot be used in a template that render() made from data; only the flow's own variables may read secrets"),
  };
}

/** One pass: `text` rendered in the caller's render, with the caller's budget. */
function renderPass(ctx: EvalContext, text: string, base: ExpressionFunctions): string {
  const compiled = compileTemplate(text);
  const saved = { source: ctx.source, pos: ctx.pos, scope: ctx.scope };
  const mutable = ctx as { functions: ExpressionFunctions };
  // The context's functions are swapped for this pass only; the field is readonly to every other caller.
  mutable.functions = functionsFor(ctx, text, base);
  ctx.scope = NO_SCOPE;
  try {
    const out = new Output(ctx);
    renderNodes(compiled.nodes, ctx, out);
    return out.toString();
  } finally {
    mutable.functions = base;
    ctx.source = saved.source;
    ctx.pos = saved.pos;
    ctx.scope = saved.scope;
  }
}

function renderValue(template: unknown, recursive: unknown, call: CallContext): unknown {
  if (!(call instanceof EvalContext)) return call.fail('render() is not available here');
  const ctx = call;
  if (typeof recursive !== 'boolean') return ctx.fail(`render()'s recursive must be true or false, not ${typeName(recursive)}`);
  // A number, boolean or null holds no template: Kestra's render() gives it back as it is.
  if (template === null || typeof template === 'number' || typeof template === 'bigint' || typeof template === 'boolean') return template;
  if (typeof template !== 'string') return ctx.fail(`render() needs a string, not ${typeName(template)}`);
  const depth = (depths.get(ctx) ?? 0) + 1;
  if (depth > RENDER_LIMITS.depth) return ctx.limit(`render() nested deeper than ${RENDER_LIMITS.depth}`);
  const base = ctx.functions;
  depths.set(ctx, depth);
  try {
    let text = template;
    for (let pass = 0; MARKUP.test(text); pass++) {
      if (pass === RENDER_LIMITS.passes) return ctx.limit(`render() still found templates after ${RENDER_LIMITS.passes} passes`);
      const next = renderPass(ctx, text, base);
      if (!recursive || next === text) return next;
      text = next;
    }
    return text;
  } finally {
    depths.set(ctx, depth - 1);
  }
}

/** `render(template, recursive=true)`. */
export function callRender(args: Args, _rest: readonly unknown[], ctx: CallContext): unknown {
  return renderValue(args.template, args.recursive ?? true, ctx);
}

/** `renderOnce(template)`: `render(template, false)`. */
export function callRenderOnce(args: Args, _rest: readonly unknown[], ctx: CallContext): unknown {
  return renderValue(args.template, false, ctx);
}
