/**
 * The template grammar: text, `{{ expr }}` and the tags `if`/`elseif`/`else`/`endif`,
 * `for`/`else`/`endfor` and `set`. Everything else Pebble offers (macros, includes, blocks)
 * is refused by name, so a flow using it fails at compile time rather than rendering wrongly.
 */
import type { Expr, IfBranch, Node, Template } from './ast.js';
import { limitError } from './fail.js';
import { lex, lexExpression, type Token } from './lexer.js';
import { LIMITS } from './limits.js';
import { ExpressionParser } from './parse-expression.js';

const KNOWN_TAGS = new Set(['if', 'elseif', 'else', 'endif', 'for', 'endfor', 'set']);

/** Compiles a template. Throws `EXPRESSION_SYNTAX` or `EXPRESSION_LIMIT`. */
export function parseTemplate(template: string): Template {
  return new TemplateParser(lex(template)).template();
}

/** Compiles a bare expression such as `a.b == 1`. */
export function parseExpression(expression: string): Expr {
  return new TemplateParser(lexExpression(expression)).bare();
}

class TemplateParser extends ExpressionParser {
  private tagDepth = 0;

  template(): Template {
    const { nodes } = this.nodes([], undefined);
    return { nodes };
  }

  bare(): Expr {
    const expr = this.expression();
    if (!this.is('eof')) this.fail(`unexpected '${this.peek().value}' after the expression`);
    return expr;
  }

  /**
   * Parses nodes until one of the tags in `stop` (returning its name, with the cursor after the
   * tag name) or the end of input (allowed only when `stop` is empty).
   */
  private nodes(stop: readonly string[], opener: Token | undefined): { nodes: Node[]; stop: string } {
    const nodes: Node[] = [];
    for (;;) {
      const token = this.next();
      switch (token.type) {
        case 'text':
          nodes.push({ kind: 'text', text: token.value });
          break;
        case 'print': {
          const expr = this.expression();
          this.expect('end');
          nodes.push({ kind: 'print', expr, source: token.block.source });
          break;
        }
        case 'tag': {
          const name = this.expect('name');
          if (stop.includes(name.value)) return { nodes, stop: name.value };
          if (!KNOWN_TAGS.has(name.value)) this.fail(`unknown tag '${name.value}'`, name);
          if (name.value === 'if') nodes.push(this.nested(() => this.ifTag(token)));
          else if (name.value === 'for') nodes.push(this.nested(() => this.forTag(token)));
          else if (name.value === 'set') nodes.push(this.setTag(token));
          else this.fail(`unexpected '{% ${name.value} %}'${opener === undefined ? '' : ` inside '${opener.block.source}'`}`, name);
          break;
        }
        case 'eof':
          if (opener !== undefined) this.fail(`'${opener.block.source}' is never closed by '{% ${stop[stop.length - 1] ?? 'end'} %}'`, opener);
          return { nodes, stop: '' };
        default:
          this.fail(`unexpected '${token.value}'`, token);
      }
    }
  }

  private nested(parse: () => Node): Node {
    if (++this.tagDepth > LIMITS.depth) {
      const token = this.peek();
      throw limitError(`tags nested deeper than ${LIMITS.depth}`, token.block.source, token.pos);
    }
    const node = parse();
    this.tagDepth--;
    return node;
  }

  private ifTag(opener: Token): Node {
    const branches: IfBranch[] = [];
    let test = this.expression();
    let source = opener.block.source;
    this.expect('end');
    for (;;) {
      const { nodes, stop } = this.nodes(['elseif', 'else', 'endif'], opener);
      branches.push({ test, body: nodes, source });
      if (stop === 'elseif') {
        source = this.peek(-1).block.source;
        test = this.expression();
        this.expect('end');
        continue;
      }
      this.expect('end');
      if (stop === 'endif') return { kind: 'if', branches, otherwise: undefined };
      const otherwise = this.nodes(['endif'], opener).nodes;
      this.expect('end');
      return { kind: 'if', branches, otherwise };
    }
  }

  private forTag(opener: Token): Node {
    let valueName = this.expect('name').value;
    let keyName: string | undefined;
    if (this.is('op', ',')) {
      this.next();
      keyName = valueName;
      valueName = this.expect('name').value;
    }
    this.expect('name', 'in');
    const iterable = this.expression();
    this.expect('end');
    const body = this.nodes(['else', 'endfor'], opener);
    this.expect('end');
    let empty: Node[] | undefined;
    if (body.stop === 'else') {
      empty = this.nodes(['endfor'], opener).nodes;
      this.expect('end');
    }
    return { kind: 'for', keyName, valueName, iterable, body: body.nodes, empty, source: opener.block.source, pos: opener.pos };
  }

  private setTag(opener: Token): Node {
    const name = this.expect('name').value;
    this.expect('op', '=');
    const expr = this.expression();
    this.expect('end');
    return { kind: 'set', name, expr, source: opener.block.source };
  }
}
