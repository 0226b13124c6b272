/**
 * Binary operators other than `and`/`or` (which short-circuit in the evaluator). Semantics follow
 * Pebble: `+` concatenates when either side is a string and appends to lists, arithmetic on two
 * whole numbers stays integral (`5 / 2` is `2`, as in Java), `~` joins printed values.
 */
import type { BinaryOp } from './ast.js';
import { LIMITS } from './limits.js';
import { toOutput } from './output.js';
import type { CallContext } from './registry.js';
import { compare, deepEqual, getOwn, isNumber, isPlainObject, typeName } from './values.js';

/** Applies `op` to evaluated operands. */
export function applyBinary(op: Exclude<BinaryOp, 'and' | 'or'>, left: unknown, right: unknown, ctx: CallContext): unknown {
  switch (op) {
    case '==':
      return deepEqual(left, right, ctx);
    case '!=':
      return !deepEqual(left, right, ctx);
    case '<':
    case '>':
    case '<=':
    case '>=':
      return ordered(op, left, right, ctx);
    case 'contains':
      return contains(left, right, ctx);
    case '~':
      return checkedString(toOutput(left, ctx) + toOutput(right, ctx), ctx);
    case '+':
      return add(left, right, ctx);
    default:
      return arithmetic(op, left, right, ctx);
  }
}

function ordered(op: '<' | '>' | '<=' | '>=', left: unknown, right: unknown, ctx: CallContext): boolean {
  const order = compare(left, right);
  if (order === undefined) ctx.fail(`cannot compare ${typeName(left)} with ${typeName(right)} using '${op}'`);
  if (op === '<') return order < 0;
  if (op === '>') return order > 0;
  if (op === '<=') return order <= 0;
  return order >= 0;
}

/** `contains`: substring, list membership (every item when the right side is a list) or map key. */
export function contains(container: unknown, item: unknown, ctx: CallContext): boolean {
  if (container === null || container === undefined) return false;
  if (typeof container === 'string') {
    ctx.charge(container.length);
    return container.includes(toOutput(item, ctx));
  }
  const wanted = Array.isArray(item) ? item : [item];
  if (Array.isArray(container)) return wanted.every((w) => container.some((c) => deepEqual(c, w, ctx)));
  if (isPlainObject(container)) return wanted.every((w) => getOwn(container, w).found);
  return ctx.fail(`cannot use 'contains' on a ${typeName(container)}`);
}

function add(left: unknown, right: unknown, ctx: CallContext): unknown {
  if (typeof left === 'string' || typeof right === 'string') return checkedString(toOutput(left, ctx) + toOutput(right, ctx), ctx);
  if (Array.isArray(left)) {
    const added = Array.isArray(right) ? right : [right];
    if (left.length + added.length > LIMITS.collectionSize) ctx.limit(`list longer than ${LIMITS.collectionSize} items`);
    ctx.charge(left.length + added.length);
    return [...left, ...added];
  }
  return arithmetic('+', left, right, ctx);
}

function arithmetic(op: '+' | '-' | '*' | '/' | '%', left: unknown, right: unknown, ctx: CallContext): number {
  if (!isNumber(left) || !isNumber(right)) ctx.fail(`cannot apply '${op}' to ${typeName(left)} and ${typeName(right)}`);
  const a = Number(left);
  const b = Number(right);
  const integral = Number.isInteger(a) && Number.isInteger(b);
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      if (b === 0) ctx.fail('division by zero');
      return integral ? Math.trunc(a / b) : a / b;
    case '%':
      if (b === 0) ctx.fail('division by zero');
      return a % b;
  }
}

/**
 * Any string built by the evaluator is bounded like the output, so doubling in a loop stops
 * early, and charged to the work budget by its length.
 */
export function checkedString(value: string, ctx: CallContext): string {
  if (value.length > LIMITS.outputLength) ctx.limit(`string longer than ${LIMITS.outputLength} characters`);
  ctx.charge(value.length);
  return value;
}

/** An inclusive range of integers, as Pebble's `..` and `range()`, bounded in size. */
export function range(from: unknown, to: unknown, stepBy: unknown, ctx: CallContext): number[] {
  if (typeof from !== 'number' || typeof to !== 'number' || typeof stepBy !== 'number') {
    return ctx.fail(`a range needs numbers, not ${typeName(from)} and ${typeName(to)}`);
  }
  if (stepBy === 0 || !Number.isFinite(stepBy)) ctx.fail('a range step cannot be zero');
  const size = Math.floor((to - from) / stepBy) + 1;
  if (size > LIMITS.rangeSize) ctx.limit(`range of more than ${LIMITS.rangeSize} items`);
  if (size > 0) ctx.charge(size);
  const out: number[] = [];
  for (let i = 0; i < size; i++) out.push(from + i * stepBy);
  return out;
}
