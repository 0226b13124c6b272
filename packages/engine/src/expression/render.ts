/**
 * Walks compiled template nodes and writes their output. Loops and output are bounded, and
 * loop and `set` variables live in scopes of the render, never in the caller's variables.
 */
import type { Node } from './ast.js';
import { evaluate, NO_SCOPE, type EvalContext, type Scope } from './evaluate.js';
import { LIMITS } from './limits.js';
import { toOutput } from './output.js';
import { entriesOf, isPlainObject, setOwn, toBool, typeName } from './values.js';

/** Collects output, bounded by {@link LIMITS.outputLength}. */
export class Output {
  private readonly parts: string[] = [];
  private length = 0;

  constructor(private readonly ctx: EvalContext) {}

  write(text: string): void {
    this.length += text.length;
    if (this.length > LIMITS.outputLength) this.ctx.limit(`output longer than ${LIMITS.outputLength} characters`);
    this.ctx.charge(text.length);
    this.parts.push(text);
  }

  toString(): string {
    return this.parts.join('');
  }
}

/** Renders `nodes` into `out`. */
export function renderNodes(nodes: readonly Node[], ctx: EvalContext, out: Output): void {
  for (const node of nodes) {
    switch (node.kind) {
      case 'text':
        out.write(node.text);
        break;
      case 'print': {
        ctx.source = node.source;
        const value = evaluate(node.expr, ctx);
        ctx.pos = node.expr.pos;
        out.write(toOutput(value, ctx));
        break;
      }
      case 'set':
        ctx.source = node.source;
        assign(ctx, node.name, evaluate(node.expr, ctx));
        break;
      case 'if': {
        const branch = node.branches.find((b) => {
          ctx.source = b.source;
          return toBool(evaluate(b.test, ctx));
        });
        const body = branch?.body ?? node.otherwise;
        if (body !== undefined) renderNodes(body, ctx, out);
        break;
      }
      case 'for':
        renderFor(node, ctx, out);
        break;
    }
  }
}

function renderFor(node: Extract<Node, { kind: 'for' }>, ctx: EvalContext, out: Output): void {
  ctx.source = node.source;
  ctx.pos = node.pos;
  const iterable = evaluate(node.iterable, ctx);
  // Charged before the items are listed: a million-item list costs its length even if the loop limit stops it.
  if (Array.isArray(iterable)) ctx.charge(iterable.length);
  let items: (readonly [unknown, unknown])[];
  if (iterable === null || iterable === undefined) items = [];
  else if (Array.isArray(iterable)) items = iterable.map((value, index) => [index, value] as const);
  else if (isPlainObject(iterable)) items = entriesOf(iterable);
  else return ctx.fail(`cannot iterate over a ${typeName(iterable)}`);

  if (items.length === 0) {
    if (node.empty !== undefined) renderNodes(node.empty, ctx, out);
    return;
  }
  // One scope for the whole loop, as in Pebble: a `set` in the body carries to the next iteration.
  const parent = ctx.scope;
  const vars = new Map<string, unknown>();
  ctx.scope = { vars, parent };
  try {
    const length = items.length;
    for (let index = 0; index < length; index++) {
      if (++ctx.iterations > LIMITS.loopIterations) {
        ctx.source = node.source;
        ctx.pos = node.pos;
        ctx.limit(`more than ${LIMITS.loopIterations} loop iterations`);
      }
      const [key, value] = items[index] as readonly [unknown, unknown];
      if (node.keyName !== undefined) {
        vars.set(node.keyName, key);
        vars.set(node.valueName, value);
      } else {
        vars.set(node.valueName, isPlainObject(iterable) ? entry(key, value) : value);
      }
      vars.set('loop', { index, length, first: index === 0, last: index === length - 1, revindex: length - index - 1 });
      renderNodes(node.body, ctx, out);
    }
  } finally {
    ctx.scope = parent;
  }
}

/**
 * `{% set %}` as Pebble's ScopeChain does it: a name already set in an enclosing scope is
 * updated there (so a loop can accumulate), a new name lands in the innermost scope.
 */
function assign(ctx: EvalContext, name: string, value: unknown): void {
  for (let scope: Scope | undefined = ctx.scope; scope !== undefined; scope = scope.parent) {
    if (scope.vars.has(name)) {
      scope.vars.set(name, value);
      return;
    }
  }
  // The first variable set at the root: the render gets a root scope of its own.
  if (ctx.scope === NO_SCOPE) ctx.scope = { vars: new Map(), parent: undefined };
  ctx.scope.vars.set(name, value);
}

/** A map entry as Pebble exposes it to a one-variable loop: `entry.key`, `entry.value`. */
function entry(key: unknown, value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  setOwn(out, 'key', key);
  setOwn(out, 'value', value);
  return out;
}
