/**
 * The shapes of filters, functions and tests, and the null-prototype tables that hold them.
 * A template names a filter by string, so the tables must never answer for `constructor`,
 * `__proto__` or any other inherited key: lookups go through {@link lookup} only.
 */
import type { ExpressionFunctions } from './types.js';

/** Arguments by parameter name (a null-prototype record). */
export type Args = Readonly<Record<string, unknown>>;

/** What a filter, function or test may ask of the evaluator. Never exposes variables. */
export interface CallContext {
  /** Throws `EXPRESSION_EVALUATION` at the call's position. */
  fail(message: string): never;
  /** Throws `EXPRESSION_LIMIT` at the call's position. */
  limit(message: string): never;
  /** Counts `amount` units of work against the render budget. */
  step(amount?: number): void;
  /** Counts `units` characters or list items built or scanned against the render's work budget (`LIMITS.work`). */
  charge(units: number): void;
  /** The block and position being evaluated, for errors raised outside the expression catalog. */
  where(): { readonly expression: string; readonly line: number; readonly column: number };
  /** The host's injected functions (clock, secrets). */
  readonly functions: ExpressionFunctions;
  /**
   * A variable the render was given (not one a `{% set %}` made), or undefined: for the functions
   * Kestra defines over the loop's context (`currentEachOutput` reads `taskrun` and `parents`).
   */
  variable(name: string): unknown;
}

export interface FilterDef {
  /** Parameter names in positional order; positional arguments bind to them. */
  readonly params: readonly string[];
  /** How many leading params are required. */
  readonly required?: number;
  /** True when an undefined input is passed as `undefined` instead of raising (only `default`). */
  readonly acceptsUndefined?: boolean;
  apply(input: unknown, args: Args, ctx: CallContext): unknown;
}

export interface FunctionDef {
  readonly params: readonly string[];
  readonly required?: number;
  /** Extra positional arguments are passed in `rest` instead of being refused. */
  readonly variadic?: boolean;
  call(args: Args, rest: readonly unknown[], ctx: CallContext): unknown;
}

export interface TestDef {
  /** True when an undefined operand is a valid input (only `defined`). */
  readonly acceptsUndefined?: boolean;
  apply(value: unknown, ctx: CallContext): boolean;
}

/** Builds a frozen null-prototype table, so no inherited key can ever be found in it. */
export function table<T>(entries: Record<string, T>): Readonly<Record<string, T>> {
  const out = Object.create(null) as Record<string, T>;
  for (const [name, value] of Object.entries(entries)) out[name] = value;
  return Object.freeze(out);
}

/** Own-key lookup in a table built by {@link table}. */
export function lookup<T>(from: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(from, name) ? from[name] : undefined;
}
