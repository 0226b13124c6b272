/**
 * Splits a template into text and the tokens of its `{{ }}` and `{% %}` blocks. Comments,
 * whitespace control (`{{-`, `-}}`, ...) and `{% raw %}` are resolved here, so the parser sees
 * only text, block delimiters and expression tokens.
 */
import type { Pos } from './ast.js';
import { syntaxError } from './fail.js';
import { lookup, table } from './registry.js';

/** The text of the block a token belongs to, quoted in error messages. Filled when the block closes. */
export interface Block {
  source: string;
}

export interface Token {
  /** `print` opens `{{`, `tag` opens `{%`, `end` closes either. */
  readonly type: 'text' | 'print' | 'tag' | 'end' | 'name' | 'number' | 'string' | 'op' | 'eof';
  readonly value: string;
  readonly number: number;
  readonly pos: Pos;
  readonly block: Block;
}

const OPENER = /\{[{%#]/g;
const RAW_OPEN = /\s*(raw|verbatim)\s*(-?)%\}/y;
const RAW_CLOSE = /\{%(-?)\s*end(raw|verbatim)\s*(-?)%\}/g;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /\d+(?:\.\d+)?/y;
const OPERATORS = ['???', '??', '..', '==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '%', '~', '|', '?', ':', ',', '.', '(', ')', '[', ']', '{', '}', '='];
const ESCAPES = table<string>({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '\\': '\\', "'": "'", '"': '"', '/': '/' });

/** Tokenizes `template`. Throws `EXPRESSION_SYNTAX` on an unclosed block, string or comment. */
export function lex(template: string): Token[] {
  return new Lexer(template).run();
}

/** Tokenizes a bare expression (no `{{ }}`), as used for conditions. */
export function lexExpression(expression: string): Token[] {
  return new Lexer(expression).expression();
}

class Lexer {
  private readonly tokens: Token[] = [];
  private readonly lineStarts: number[] = [0];
  private trimNext = false;
  private readonly textBlock: Block = { source: '' };

  constructor(private readonly src: string) {
    for (let i = 0; i < src.length; i++) if (src.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  run(): Token[] {
    let i = 0;
    const src = this.src;
    while (i < src.length) {
      OPENER.lastIndex = i;
      const found = OPENER.exec(src);
      if (found === null) {
        this.text(src.slice(i), false);
        break;
      }
      const at = found.index;
      const trimBefore = src[at + 2] === '-';
      this.text(src.slice(i, at), trimBefore);
      const inner = at + 2 + (trimBefore ? 1 : 0);
      if (found[0] === '{#') i = this.comment(at, inner);
      else if (found[0] === '{%' && this.isRaw(inner)) i = this.raw(at, inner);
      else i = this.block(at, inner, found[0] === '{{' ? '}}' : '%}');
    }
    this.push('eof', '', src.length, this.textBlock);
    return this.tokens;
  }

  pos(offset: number): Pos {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.lineStarts[lo] ?? 0) + 1 };
  }

  private push(type: Token['type'], value: string, offset: number, block: Block, number = 0): void {
    this.tokens.push({ type, value, number, pos: this.pos(offset), block });
  }

  private text(raw: string, trimEnd: boolean): void {
    let text = this.trimNext ? raw.trimStart() : raw;
    this.trimNext = false;
    if (trimEnd) text = text.trimEnd();
    if (text !== '') this.tokens.push({ type: 'text', value: text, number: 0, pos: { line: 1, column: 1 }, block: this.textBlock });
  }

  private fail(message: string, offset: number, source: string): never {
    throw syntaxError(message, source, this.pos(offset));
  }

  private comment(at: number, inner: number): number {
    const end = this.src.indexOf('#}', inner);
    if (end < 0) this.fail("unclosed comment '{#'", at, this.src.slice(at, at + 40));
    this.trimNext = this.src[end - 1] === '-' && end - 1 >= inner;
    return end + 2;
  }

  private isRaw(inner: number): boolean {
    RAW_OPEN.lastIndex = inner;
    return RAW_OPEN.test(this.src);
  }

  private raw(at: number, inner: number): number {
    RAW_OPEN.lastIndex = inner;
    const open = RAW_OPEN.exec(this.src);
    const contentStart = inner + (open?.[0].length ?? 0);
    RAW_CLOSE.lastIndex = contentStart;
    const close = RAW_CLOSE.exec(this.src);
    if (close === null) this.fail("'{% raw %}' is never closed by '{% endraw %}'", at, this.src.slice(at, contentStart));
    let content = this.src.slice(contentStart, close.index);
    if (open?.[2] === '-') content = content.trimStart();
    if (close[1] === '-') content = content.trimEnd();
    if (content !== '') this.tokens.push({ type: 'text', value: content, number: 0, pos: this.pos(contentStart), block: this.textBlock });
    this.trimNext = close[3] === '-';
    return close.index + close[0].length;
  }

  /** Lexes one `{{ }}` or `{% %}` block starting at `at`; returns the offset after it. */
  private block(at: number, inner: number, close: '}}' | '%}'): number {
    const block: Block = { source: this.src.slice(at, at + 2) };
    this.push(close === '}}' ? 'print' : 'tag', block.source, at, block);
    return this.code(at, inner, block, close);
  }

  /** Lexes a bare expression: the whole source is code, with no delimiters. */
  expression(): Token[] {
    const block: Block = { source: this.src };
    this.code(0, 0, block, undefined);
    this.push('eof', '', this.src.length, block);
    return this.tokens;
  }

  /** Lexes expression tokens from `i` up to `close` (at bracket depth 0), or to the end of input. */
  private code(at: number, i: number, block: Block, close: '}}' | '%}' | undefined): number {
    const src = this.src;
    let depth = 0;
    const nest = (delta: number): void => {
      depth = Math.max(0, depth + delta);
    };
    for (;;) {
      while (i < src.length && /\s/.test(src[i] ?? '')) i++;
      if (i >= src.length) {
        if (close === undefined) return i;
        block.source = src.slice(at, Math.min(src.length, at + 80));
        this.fail(`'${src.slice(at, at + 2)}' is never closed by '${close}'`, at, block.source);
      }
      if (close !== undefined && depth === 0) {
        const trimAfter = src.startsWith(`-${close}`, i);
        if (trimAfter || src.startsWith(close, i)) {
          const end = i + close.length + (trimAfter ? 1 : 0);
          block.source = src.slice(at, end);
          this.push('end', close, i, block);
          this.trimNext = trimAfter;
          return end;
        }
      }
      i = this.token(i, block, nest);
    }
  }

  /** Lexes one expression token at `i`; returns the offset after it. */
  private token(i: number, block: Block, nest: (delta: number) => void): number {
    const src = this.src;
    const c = src[i] ?? '';
    if (c === "'" || c === '"') return this.string(i, block);
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(src);
    if (num !== null) {
      this.push('number', num[0], i, block, Number(num[0]));
      return i + num[0].length;
    }
    NAME.lastIndex = i;
    const name = NAME.exec(src);
    if (name !== null) {
      this.push('name', name[0], i, block);
      return i + name[0].length;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op === undefined) this.fail(`unexpected character '${c}'`, i, this.blockText(block, i));
    if (op === '(' || op === '[' || op === '{') nest(1);
    if (op === ')' || op === ']' || op === '}') nest(-1);
    this.push('op', op, i, block);
    return i + op.length;
  }

  private string(start: number, block: Block): number {
    const src = this.src;
    const quote = src[start];
    let out = '';
    let i = start + 1;
    while (i < src.length && src[i] !== quote) {
      const c = src[i] ?? '';
      if (c !== '\\') {
        out += c;
        i++;
        continue;
      }
      const next = src[i + 1] ?? '';
      if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(src.slice(i + 2, i + 6), 16));
        i += 6;
      } else {
        // An unknown escape keeps its backslash, so regex-like strings survive unchanged.
        out += lookup(ESCAPES, next) ?? c + next;
        i += 2;
      }
    }
    if (i >= src.length) this.fail('unclosed string literal', start, this.blockText(block, start));
    this.push('string', out, start, block);
    return i + 1;
  }

  /** Best-effort text of a block that has not closed yet, for an error message. */
  private blockText(block: Block, offset: number): string {
    if (block.source.length > 2) return block.source;
    const end = this.src.indexOf(block.source.startsWith('{{') ? '}}' : '%}', offset);
    const start = this.src.lastIndexOf(block.source, offset);
    return this.src.slice(Math.max(0, start), end < 0 ? Math.min(this.src.length, offset + 40) : end + 2);
  }
}
