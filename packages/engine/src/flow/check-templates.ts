import type { TSchema } from '@sinclair/typebox';
import { isSluiceError, renderedBy } from '@sluice/core';
import { compileTemplate } from '../expression/compile.js';
import type { PathSegment } from '../plugins/value-errors.js';
import { isMapping, type Reporter } from './report.js';

// As the expression module's hasTemplate: text without markup is never compiled, at save or run.
const MARKUP = /\{[{%#]/;
const MAX_DEPTH = 64;

type Json = Record<string, unknown>;

/** Compiles one template, reporting a syntax error (an unknown function such as `kv()`, a typo) at its place. */
function compileAt(reporter: Reporter, text: string, at: readonly PathSegment[]): void {
  if (!MARKUP.test(text)) return;
  try {
    compileTemplate(text);
  } catch (error) {
    if (!isSluiceError(error)) throw error;
    reporter.add(error.code, at, error.message);
  }
}

/** Every string inside `value`, at any depth: a Dynamic field renders them all. */
function compileAll(reporter: Reporter, value: unknown, at: readonly PathSegment[], depth: number): void {
  if (depth > MAX_DEPTH) return;
  if (typeof value === 'string') compileAt(reporter, value, at);
  else if (Array.isArray(value)) value.forEach((item, i) => compileAll(reporter, item, [...at, i], depth + 1));
  else if (isMapping(value)) for (const [key, item] of Object.entries(value)) compileAll(reporter, item, [...at, key], depth + 1);
}

/**
 * Compiles, when a flow is saved, every template a run would render: the strings inside the
 * props' Dynamic fields (found the way the host finds them to render: through object properties
 * and list items, not into unions). So a template Sluice cannot run (a syntax error, a function it
 * does not have such as `kv()` or `read()`) is refused with its place instead of failing the
 * execution later. Undefined variables are not known before a run and are not checked.
 */
export function checkTemplates(reporter: Reporter, schema: TSchema, value: unknown, at: readonly PathSegment[], depth = 0): void {
  if (depth > MAX_DEPTH) return;
  if (renderedBy(schema) !== undefined) return compileAll(reporter, value, at, depth);
  const s = schema as Json;
  if (isMapping(value) && isMapping(s.properties)) {
    for (const [key, child] of Object.entries(s.properties as Record<string, TSchema>)) {
      if (Object.hasOwn(value, key)) checkTemplates(reporter, child, value[key], [...at, key], depth + 1);
    }
  } else if (Array.isArray(value) && isMapping(s.items)) {
    value.forEach((item, i) => checkTemplates(reporter, s.items as TSchema, item, [...at, i], depth + 1));
  }
}

/** Compiles a task's `runIf` (or `when`), which the executor renders before the task. */
export function checkCondition(reporter: Reporter, value: unknown, at: readonly PathSegment[]): void {
  if (typeof value === 'string') compileAt(reporter, value, at);
}
