/**
 * Evaluates compiled expressions over plain data. Strict like Kestra: an undefined variable or
 * property raises `EXPRESSION_UNDEFINED` naming its path, except on the left of `??`/`???`,
 * under `is defined` and before `| default`, which are the places Pebble forgives it.
 */
import { isSluiceError } from '@sluice/core';
import type { Expr, NamedArgs, Pos } from './ast.js';
import { evaluationError, limitError, undefinedError } from './fail.js';
import { LIMITS } from './limits.js';
import { applyBinary, range } from './operators.js';
import type { Args, CallContext } from './registry.js';
import type { ExpressionFunctions, Variables } from './types.js';
import { FORBIDDEN_KEYS, MISSING, isNumber, ownValue, setOwn, toBool, typeName } from './values.js';
import { engineErrors } from '../errors.js';

/** One level of `{% set %}` and loop variables; the caller's variables are never written. */
export interface Scope {
  readonly vars: Map<string, unknown>;
  readonly parent: Scope | undefined;
}

/** A map of variables nothing may add to: the vars of {@link NO_SCOPE}. */
class SealedVars extends Map<string, unknown> {
  override set(): this {
    throw new Error('expression: the empty root scope is shared; make a scope of the render to set a variable');
  }
}

/**
 * The root scope of a render that set no variable yet: shared by every render, and empty for
 * good. Most templates set none, and a Map per render was garbage for nothing; the first `set`
 * at the root gives the render a scope of its own (see render.ts).
 */
export const NO_SCOPE: Scope = Object.freeze({ vars: new SealedVars(), parent: undefined });

/** The state of one render: where we are (for errors), the scopes, and the work spent. */
export class EvalContext implements CallContext {
  /** Text of the block being evaluated, quoted in errors. */
  source = '';
  pos: Pos | undefined;
  scope: Scope = NO_SCOPE;
  iterations = 0;
  private steps = 0;
  private work = 0;

  constructor(
    readonly variables: Variables,
    readonly functions: ExpressionFunctions,
  ) {}

  fail(message: string): never {
    throw evaluationError(message, this.source, this.pos);
  }

  limit(message: string): never {
    throw limitError(message, this.source, this.pos);
  }

  where(): { expression: string; line: number; column: number } {
    return { expression: this.source.slice(0, 200), line: this.pos?.line ?? 1, column: this.pos?.column ?? 1 };
  }

  variable(name: string): unknown {
    // Own properties only (undefined for an inherited one), and one call: on the run's variables
    // (a proxy, see run-variables.ts) each check is a trap.
    const found = Object.getOwnPropertyDescriptor(this.variables, name);
    return found !== undefined && 'value' in found ? found.value : undefined;
  }

  step(amount = 1): void {
    this.steps += amount;
    if (this.steps > LIMITS.steps) this.limit(`more than ${LIMITS.steps} evaluation steps`);
  }

  charge(units: number): void {
    this.work += units;
    if (this.work > LIMITS.work) this.limit(`more than ${LIMITS.work} characters and list items built or scanned`);
  }
}

const UNDEFINED_CODE = engineErrors.codes.EXPRESSION_UNDEFINED;

/** Evaluates `expr` strictly. */
export function evaluate(expr: Expr, ctx: EvalContext): unknown {
  ctx.step();
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'list':
      return expr.items.map((item) => evaluate(item, ctx));
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [keyExpr, valueExpr] of expr.entries) {
        const key = evaluate(keyExpr, ctx);
        if (typeof key !== 'string' && typeof key !== 'number' && typeof key !== 'boolean') {
          at(ctx, keyExpr.pos).fail(`a map key must be a string or a number, not ${typeName(key)}`);
        }
        setOwn(out, String(key), evaluate(valueExpr, ctx));
      }
      return out;
    }
    case 'range':
      return range(evaluate(expr.from, ctx), evaluate(expr.to, ctx), 1, at(ctx, expr.pos));
    case 'name':
      return lookupName(expr.name, expr.pos, ctx);
    case 'member':
      return member(expr, ctx);
    case 'unary': {
      const value = evaluate(expr.operand, ctx);
      if (expr.op === 'not') return !toBool(value);
      if (!isNumber(value)) at(ctx, expr.pos).fail(`cannot apply unary '${expr.op}' to ${typeName(value)}`);
      return expr.op === '-' ? -Number(value) : Number(value);
    }
    case 'binary': {
      if (expr.op === 'and') return toBool(evaluate(expr.left, ctx)) && toBool(evaluate(expr.right, ctx));
      if (expr.op === 'or') return toBool(evaluate(expr.left, ctx)) || toBool(evaluate(expr.right, ctx));
      const left = evaluate(expr.left, ctx);
      const right = evaluate(expr.right, ctx);
      return applyBinary(expr.op, left, right, at(ctx, expr.pos));
    }
    case 'coalesce': {
      const left = evaluateLenient(expr.left, ctx);
      if (left !== undefined && (expr.op === '???' || left !== null)) return left;
      return evaluate(expr.right, ctx);
    }
    case 'ternary':
      return toBool(evaluate(expr.test, ctx)) ? evaluate(expr.then, ctx) : evaluate(expr.otherwise, ctx);
    case 'test': {
      const value = expr.def.acceptsUndefined ? evaluateLenient(expr.operand, ctx) : evaluate(expr.operand, ctx);
      return expr.def.apply(value, at(ctx, expr.pos)) !== expr.negated;
    }
    case 'filter': {
      const input = expr.def.acceptsUndefined ? evaluateLenient(expr.input, ctx) : evaluate(expr.input, ctx);
      const args = evaluateArgs(expr.args, ctx);
      // Called in place rather than through a closure: a filter runs per render of most templates.
      let value: unknown;
      try {
        value = expr.def.apply(input, args, at(ctx, expr.pos));
      } catch (error) {
        rethrow(error, ctx);
      }
      return bounded(value, ctx);
    }
    case 'call': {
      const args = evaluateArgs(expr.args, ctx);
      const rest = expr.rest.map((item) => evaluate(item, ctx));
      let value: unknown;
      try {
        value = expr.def.call(args, rest, at(ctx, expr.pos));
      } catch (error) {
        rethrow(error, ctx);
      }
      return bounded(value, ctx);
    }
  }
}

/** Evaluates `expr`, answering `undefined` instead of raising when something in it is undefined. */
export function evaluateLenient(expr: Expr, ctx: EvalContext): unknown {
  const scope = ctx.scope;
  try {
    return evaluate(expr, ctx);
  } catch (error) {
    if (isSluiceError(error, UNDEFINED_CODE)) {
      ctx.scope = scope;
      return undefined;
    }
    throw error;
  }
}

/** Points the context at `pos` so a filter's or operator's failure reports where it was called. */
function at(ctx: EvalContext, pos: Pos): EvalContext {
  ctx.pos = pos;
  return ctx;
}

/** Filters and functions raise catalog errors; anything else they throw is wrapped, never leaked raw. */
function rethrow(error: unknown, ctx: EvalContext): never {
  if (isSluiceError(error)) throw error;
  throw evaluationError(error instanceof Error ? error.message : 'evaluation failed', ctx.source, ctx.pos, error);
}

/**
 * Whatever a filter or function built is held to the same size bounds as the output, and its
 * size is charged to the work budget: building it cost at least that much time and memory.
 */
function bounded(value: unknown, ctx: EvalContext): unknown {
  if (typeof value === 'string') {
    if (value.length > LIMITS.outputLength) ctx.limit(`string longer than ${LIMITS.outputLength} characters`);
    ctx.charge(value.length);
  }
  if (Array.isArray(value)) {
    if (value.length > LIMITS.collectionSize) ctx.limit(`list longer than ${LIMITS.collectionSize} items`);
    ctx.charge(value.length);
  }
  return value;
}

// What a filter or function called without arguments gets: one frozen map, not one per call.
const NO_ARGS: Args = Object.freeze(Object.create(null) as Record<string, unknown>);

function evaluateArgs(args: NamedArgs, ctx: EvalContext): Args {
  if (args.length === 0) return NO_ARGS;
  const out = Object.create(null) as Record<string, unknown>;
  for (const [name, value] of args) out[name] = evaluate(value, ctx);
  return out;
}

function lookupName(name: string, pos: Pos, ctx: EvalContext): unknown {
  if (FORBIDDEN_KEYS.has(name)) at(ctx, pos).fail(`'${name}' is not accessible`);
  for (let scope: Scope | undefined = ctx.scope; scope !== undefined; scope = scope.parent) {
    if (scope.vars.has(name)) return scope.vars.get(name);
  }
  // Own properties only: getOwnPropertyDescriptor never answers an inherited one.
  const found = Object.getOwnPropertyDescriptor(ctx.variables, name);
  if (found === undefined || !('value' in found)) throw undefinedError(name, ctx.source, pos);
  return found.value === undefined ? null : found.value;
}

function member(expr: Extract<Expr, { kind: 'member' }>, ctx: EvalContext): unknown {
  const target = evaluate(expr.object, ctx);
  const key = evaluate(expr.key, ctx);
  if (typeof key === 'string' && FORBIDDEN_KEYS.has(key)) at(ctx, expr.key.pos).fail(`'${key}' is not accessible`);
  const found = ownValue(target, key);
  if (found !== MISSING) return found;
  throw undefinedError(pathOf(expr), ctx.source, rootPos(expr));
}

/**
 * The path of an access chain as written in the template, such as `trigger.headers['x-id'][0]`
 * or `outputs.t[taskrun.value]`. Built from the source only: a computed key's value is data and
 * may be a secret, so it never appears in a message.
 */
function pathOf(expr: Expr): string {
  if (expr.kind === 'name') return expr.name;
  if (expr.kind === 'member') {
    const key = expr.key;
    const suffix = key.kind === 'literal' ? formatKey(key.value) : key.kind === 'name' || key.kind === 'member' ? `[${pathOf(key)}]` : '[…]';
    return `${pathOf(expr.object)}${suffix}`;
  }
  if (expr.kind === 'call') return `${expr.name}(…)`;
  return '(…)';
}

function formatKey(key: unknown): string {
  if (typeof key === 'number') return `[${key}]`;
  if (typeof key === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return `.${key}`;
  return `['${String(key).replace(/'/g, "\\'")}']`;
}

function rootPos(expr: Expr): Pos {
  let node = expr;
  while (node.kind === 'member') node = node.object;
  return node.pos;
}
