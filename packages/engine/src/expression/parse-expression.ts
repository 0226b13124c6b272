/**
 * The expression grammar: precedence climbing with Pebble's operator table, so `a ~ b | upper`
 * and `x ?? 'y' | upper` group the way they do in Kestra. Filters, functions and tests are
 * resolved here, against the fixed tables, so a typo fails when the template is compiled.
 */
import type { Expr, NamedArgs, Pos } from './ast.js';
import { limitError, syntaxError } from './fail.js';
import { FILTERS } from './filters.js';
import { FUNCTIONS } from './functions.js';
import { LIMITS } from './limits.js';
import type { Token } from './lexer.js';
import { TESTS } from './predicates.js';
import { lookup, table } from './registry.js';

type OpKind = 'normal' | 'filter' | 'test' | 'coalesce' | 'range';
interface BinaryInfo {
  readonly prec: number;
  readonly kind: OpKind;
}

/** Pebble's precedences (CoreExtension), plus Kestra's `??` and `???` at 120. */
const BINARY = table<BinaryInfo>({
  or: { prec: 10, kind: 'normal' },
  and: { prec: 15, kind: 'normal' },
  is: { prec: 20, kind: 'test' },
  contains: { prec: 20, kind: 'normal' },
  '==': { prec: 30, kind: 'normal' },
  equals: { prec: 30, kind: 'normal' },
  '!=': { prec: 30, kind: 'normal' },
  '<': { prec: 30, kind: 'normal' },
  '>': { prec: 30, kind: 'normal' },
  '<=': { prec: 30, kind: 'normal' },
  '>=': { prec: 30, kind: 'normal' },
  '+': { prec: 40, kind: 'normal' },
  '-': { prec: 40, kind: 'normal' },
  '*': { prec: 60, kind: 'normal' },
  '/': { prec: 60, kind: 'normal' },
  '%': { prec: 60, kind: 'normal' },
  '|': { prec: 100, kind: 'filter' },
  '~': { prec: 110, kind: 'normal' },
  '..': { prec: 120, kind: 'range' },
  '??': { prec: 120, kind: 'coalesce' },
  '???': { prec: 120, kind: 'coalesce' },
});

const UNARY_PREC = 500;
const WORD_OPERATORS = new Set(['or', 'and', 'is', 'contains', 'equals', 'not', 'in']);
const LITERALS = new Map<string, boolean | null>([['true', true], ['false', false], ['null', null], ['none', null]]);

/** A cursor over tokens with the expression grammar; the template parser extends it with tags. */
export class ExpressionParser {
  protected index = 0;
  private nesting = 0;
  private readonly depths = new WeakMap<Expr, number>();

  constructor(protected readonly tokens: readonly Token[]) {}

  protected peek(ahead = 0): Token {
    const last = this.tokens[this.tokens.length - 1] as Token;
    return this.tokens[this.index + ahead] ?? last;
  }

  protected next(): Token {
    const token = this.peek();
    if (this.index < this.tokens.length - 1) this.index++;
    return token;
  }

  protected is(type: Token['type'], value?: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.type === type && (value === undefined || token.value === value);
  }

  protected expect(type: Token['type'], value?: string): Token {
    if (!this.is(type, value)) {
      const wanted = value !== undefined ? `'${value}'` : type === 'end' ? 'the end of the block' : type === 'name' ? 'a name' : type;
      this.fail(`expected ${wanted} but found ${describe(this.peek())}`);
    }
    return this.next();
  }

  protected fail(message: string, token: Token = this.peek()): never {
    throw syntaxError(message, token.block.source, token.pos);
  }

  /** A full expression, ternary included. */
  expression(minPrec = 0): Expr {
    if (++this.nesting > LIMITS.depth) this.tooDeep();
    let left = this.operand();
    for (;;) {
      const token = this.peek();
      const info = token.type === 'op' || token.type === 'name' ? lookup(BINARY, token.value) : undefined;
      if (info === undefined || info.prec < minPrec) break;
      this.next();
      left = this.binary(token, info, left);
    }
    if (minPrec === 0 && this.is('op', '?')) {
      const pos = this.next().pos;
      const then = this.expression();
      this.expect('op', ':');
      const otherwise = this.expression();
      left = this.make({ kind: 'ternary', test: left, then, otherwise, pos }, left, then, otherwise);
    }
    this.nesting--;
    return left;
  }

  private binary(token: Token, info: BinaryInfo, left: Expr): Expr {
    const pos = token.pos;
    switch (info.kind) {
      case 'filter':
        return this.filter(left);
      case 'test': {
        const negated = this.is('name', 'not');
        if (negated) this.next();
        const name = this.expect('name');
        const def = lookup(TESTS, name.value);
        if (def === undefined) this.fail(`unknown test '${name.value}'`, name);
        return this.make({ kind: 'test', name: name.value, def, negated, operand: left, pos }, left);
      }
      case 'coalesce': {
        const right = this.expression(info.prec + 1);
        return this.make({ kind: 'coalesce', op: token.value === '??' ? '??' : '???', left, right, pos }, left, right);
      }
      case 'range': {
        const to = this.expression(info.prec + 1);
        return this.make({ kind: 'range', from: left, to, pos }, left, to);
      }
      default: {
        const right = this.expression(info.prec + 1);
        const op = token.value === 'equals' ? '==' : (token.value as Extract<Expr, { kind: 'binary' }>['op']);
        return this.make({ kind: 'binary', op, left, right, pos }, left, right);
      }
    }
  }

  private operand(): Expr {
    const token = this.peek();
    if ((token.type === 'name' && token.value === 'not') || (token.type === 'op' && (token.value === '-' || token.value === '+'))) {
      this.next();
      const operand = this.expression(UNARY_PREC);
      const op = token.value === 'not' ? 'not' : token.value === '-' ? '-' : '+';
      return this.make({ kind: 'unary', op, operand, pos: token.pos }, operand);
    }
    return this.postfix(this.primary());
  }

  private primary(): Expr {
    const token = this.next();
    const pos = token.pos;
    if (token.type === 'number') return this.make({ kind: 'literal', value: token.number, pos });
    if (token.type === 'string') return this.make({ kind: 'literal', value: token.value, pos });
    if (token.type === 'name') {
      const literal = LITERALS.get(token.value);
      if (literal !== undefined) return this.make({ kind: 'literal', value: literal, pos });
      if (WORD_OPERATORS.has(token.value)) this.fail(`unexpected '${token.value}'`, token);
      if (this.is('op', '(')) return this.call(token);
      return this.make({ kind: 'name', name: token.value, pos });
    }
    if (token.type === 'op' && token.value === '(') {
      const inner = this.expression();
      this.expect('op', ')');
      return inner;
    }
    if (token.type === 'op' && token.value === '[') return this.list(pos);
    if (token.type === 'op' && token.value === '{') return this.map(pos);
    return this.fail(`unexpected ${describe(token)}`, token);
  }

  private list(pos: Pos): Expr {
    const items: Expr[] = [];
    while (!this.is('op', ']')) {
      items.push(this.expression());
      if (!this.is('op', ']')) this.expect('op', ',');
    }
    this.next();
    return this.make({ kind: 'list', items, pos }, ...items);
  }

  private map(pos: Pos): Expr {
    const entries: (readonly [Expr, Expr])[] = [];
    while (!this.is('op', '}')) {
      const key = this.expression();
      this.expect('op', ':');
      const value = this.expression();
      entries.push([key, value]);
      if (!this.is('op', '}')) this.expect('op', ',');
    }
    this.next();
    return this.make({ kind: 'map', entries, pos }, ...entries.flat());
  }

  private postfix(expr: Expr): Expr {
    for (;;) {
      if (this.is('op', '.')) {
        const dot = this.next();
        const key = this.next();
        if (key.type !== 'name' && key.type !== 'number') this.fail(`expected a property name after '.' but found ${describe(key)}`, key);
        if (this.is('op', '(')) this.fail(`method calls are not allowed ('${key.value}(...)')`, key);
        const literal = this.make({ kind: 'literal', value: key.type === 'number' ? key.number : key.value, pos: key.pos });
        expr = this.make({ kind: 'member', object: expr, key: literal, pos: dot.pos }, expr);
      } else if (this.is('op', '[')) {
        const open = this.next();
        const key = this.expression();
        this.expect('op', ']');
        expr = this.make({ kind: 'member', object: expr, key, pos: open.pos }, expr, key);
      } else {
        return expr;
      }
    }
  }

  private filter(input: Expr): Expr {
    const name = this.expect('name');
    const def = lookup(FILTERS, name.value);
    if (def === undefined) this.fail(`unknown filter '${name.value}'`, name);
    const { args, rest } = this.args(name, def.params, def.required ?? 0, false);
    return this.make({ kind: 'filter', name: name.value, def, input, args, pos: name.pos }, input, ...args.map((a) => a[1]), ...rest);
  }

  private call(name: Token): Expr {
    const def = lookup(FUNCTIONS, name.value);
    if (def === undefined) this.fail(`unknown function '${name.value}'`, name);
    const { args, rest } = this.args(name, def.params, def.required ?? 0, def.variadic === true);
    return this.make({ kind: 'call', name: name.value, def, args, rest, pos: name.pos }, ...args.map((a) => a[1]), ...rest);
  }

  /** Parses `(a, b, name=c)` if present and binds positional arguments to parameter names. */
  private args(callee: Token, params: readonly string[], required: number, variadic: boolean): { args: NamedArgs; rest: Expr[] } {
    const bound = new Map<string, Expr>();
    const rest: Expr[] = [];
    if (this.is('op', '(')) {
      this.next();
      let positional = 0;
      while (!this.is('op', ')')) {
        if (this.is('name') && this.is('op', '=', 1)) {
          const name = this.next();
          this.next();
          if (!params.includes(name.value)) this.fail(`'${callee.value}' has no argument named '${name.value}'`, name);
          if (bound.has(name.value)) this.fail(`argument '${name.value}' is given twice`, name);
          bound.set(name.value, this.expression());
        } else {
          if (bound.size > positional) this.fail('a positional argument cannot follow a named one');
          const value = this.expression();
          const param = params[positional];
          if (param !== undefined) bound.set(param, value);
          else if (variadic) rest.push(value);
          else this.fail(`'${callee.value}' takes at most ${params.length} argument${params.length === 1 ? '' : 's'}`, callee);
          positional++;
        }
        if (!this.is('op', ')')) this.expect('op', ',');
      }
      this.next();
    }
    for (const param of params.slice(0, required)) {
      if (!bound.has(param)) this.fail(`'${callee.value}' needs the argument '${param}'`, callee);
    }
    return { args: [...bound.entries()], rest };
  }

  /** Records a node's depth, so evaluation recursion stays bounded whatever the template. */
  protected make<T extends Expr>(node: T, ...children: Expr[]): T {
    let depth = 1;
    for (const child of children) depth = Math.max(depth, (this.depths.get(child) ?? 1) + 1);
    if (depth > LIMITS.depth) this.tooDeep();
    this.depths.set(node, depth);
    return node;
  }

  private tooDeep(): never {
    const token = this.peek();
    throw limitError(`expression nested deeper than ${LIMITS.depth}`, token.block.source, token.pos);
  }
}

function describe(token: Token): string {
  if (token.type === 'eof') return 'the end of the expression';
  if (token.type === 'end') return `'${token.value}'`;
  if (token.type === 'string') return 'a string';
  return `'${token.value}'`;
}
