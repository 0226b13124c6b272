/**
 * Compilation with the cache in front: a template string is lexed and parsed once, then its
 * tree is reused for every render until it falls out of the bounded cache.
 */
import type { Expr, Template } from './ast.js';
import { LruCache } from '../support/lru-cache.js';
import { limitError } from './fail.js';
import { LIMITS } from './limits.js';
import { parseExpression, parseTemplate } from './parser.js';

const templates = new LruCache<Template>(LIMITS.cacheEntries);
const expressions = new LruCache<Expr>(LIMITS.cacheEntries);

function checkLength(source: string): void {
  if (source.length > LIMITS.templateLength) {
    throw limitError(`template longer than ${LIMITS.templateLength} characters`, source, { line: 1, column: 1 });
  }
}

/** The compiled form of `template`, from the cache when it has been compiled before. */
export function compileTemplate(template: string): Template {
  let compiled = templates.get(template);
  if (compiled === undefined) {
    checkLength(template);
    compiled = parseTemplate(template);
    templates.set(template, compiled);
  }
  return compiled;
}

/** The compiled form of a bare expression, cached the same way. */
export function compileExpression(expression: string): Expr {
  let compiled = expressions.get(expression);
  if (compiled === undefined) {
    checkLength(expression);
    compiled = parseExpression(expression);
    expressions.set(expression, compiled);
  }
  return compiled;
}

/** How many compiled templates and expressions the cache holds (for tests and metrics). */
export function compiledCount(): number {
  return templates.size + expressions.size;
}
