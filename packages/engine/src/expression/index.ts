/**
 * The expression language: a compiled subset of Pebble as Kestra configures it (strict
 * variables, no newline trimming), evaluated over plain data in a sandbox. See README.md.
 */
import { isSluiceError, type SluiceError } from '@sluice/core';
import { compileExpression, compileTemplate } from './compile.js';
import { evaluate, EvalContext } from './evaluate.js';
import { evaluationError, limitError } from './fail.js';
import { LIMITS } from './limits.js';
import { Output, renderNodes } from './render.js';
import type { RenderOptions, Variables } from './types.js';
import { entriesOf, isPlainObject, setOwn } from './values.js';

export type { ExpressionFunctions, RenderOptions, Variables } from './types.js';
export { isTruthy } from './values.js';

const MARKUP = /\{[{%#]/;

/**
 * True when `text` contains template markup (`{{`, `{%` or `{#`) and so needs rendering.
 */
export function hasTemplate(text: string): boolean {
  return MARKUP.test(text);
}

/**
 * Renders a template against `variables`. Text without markup is returned as is, without
 * compiling. Values print as Kestra prints them: null as nothing, maps and lists as JSON.
 *
 * @throws SluiceError `EXPRESSION_SYNTAX`, `EXPRESSION_UNDEFINED`, `EXPRESSION_EVALUATION` or
 *   `EXPRESSION_LIMIT` with `details: { expression, line, column }`; `CORE_SECRET_NOT_FOUND`
 *   from `secret()`.
 */
export function renderTemplate(template: string, variables: Variables, options: RenderOptions = {}): string {
  if (!hasTemplate(template)) return template;
  const compiled = compileTemplate(template);
  const ctx = context(variables, options);
  return contained(ctx, () => {
    const out = new Output(ctx);
    renderNodes(compiled.nodes, ctx, out);
    return out.toString();
  });
}

/**
 * Evaluates a bare expression (no braces), such as a condition `trigger.body.ok == true`, and
 * returns its raw value rather than its printed form.
 *
 * @throws SluiceError as {@link renderTemplate}.
 */
export function evaluateExpression(expression: string, variables: Variables, options: RenderOptions = {}): unknown {
  const compiled = compileExpression(expression);
  const ctx = context(variables, options);
  ctx.source = expression;
  return contained(ctx, () => evaluate(compiled, ctx));
}

/**
 * Returns a copy of `value` in which every string, at any depth of arrays and plain objects, is
 * rendered with {@link renderTemplate}. Keys and non-string leaves are kept as they are.
 *
 * @throws SluiceError as {@link renderTemplate}; `EXPRESSION_LIMIT` for values nested too deep.
 */
export function renderDeep(value: unknown, variables: Variables, options: RenderOptions = {}): unknown {
  const walk = (item: unknown, depth: number): unknown => {
    if (depth > LIMITS.valueDepth) throw limitError(`value nested deeper than ${LIMITS.valueDepth}`, '', undefined);
    if (typeof item === 'string') return renderTemplate(item, variables, options);
    if (Array.isArray(item)) return item.map((child) => walk(child, depth + 1));
    if (isPlainObject(item)) {
      const out: Record<string, unknown> = {};
      for (const [key, child] of entriesOf(item)) setOwn(out, key, walk(child, depth + 1));
      return out;
    }
    return item;
  };
  return walk(value, 0);
}

function context(variables: Variables, options: RenderOptions): EvalContext {
  // Callers from plain JavaScript may pass null; a template then sees no variables at all.
  const vars: Variables = typeof variables === 'object' && variables !== null ? variables : {};
  return new EvalContext(vars, options.functions ?? {});
}

/** Runs `work`, turning anything that is not already a SluiceError into one: nothing raw escapes. */
function contained<T>(ctx: EvalContext, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (isSluiceError(error)) throw error;
    throw unexpected(error, ctx);
  }
}

function unexpected(error: unknown, ctx: EvalContext): SluiceError {
  if (error instanceof RangeError && /call stack/i.test(error.message)) return limitError('expression too deeply nested', ctx.source, ctx.pos);
  return evaluationError(error instanceof Error ? error.message : 'evaluation failed', ctx.source, ctx.pos, error);
}
