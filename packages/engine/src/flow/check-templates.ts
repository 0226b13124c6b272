import type { TSchema } from '@sinclair/typebox';
import { isSluiceError, renderedBy } from '@sluice/core';
import { engineErrors } from '../errors.js';
import { compileTemplate } from '../expression/compile.js';
import type { PathSegment } from '../plugins/value-errors.js';
import { isMapping, type Reporter } from './report.js';

// As the expression module's hasTemplate: text without markup is never compiled, at save or run.
const MARKUP = /\{[{%#]/;
const MAX_DEPTH = 64;

type Json = Record<string, unknown>;

/**
 * The literal paths of `read()` calls in a compiled template that name no file of the execution
 * (`read('data/file.csv')`, a namespace file in Kestra): Sluice has no namespace files, so such a
 * call is known to fail before any run. Computed paths are checked when they are read.
 */
function namespaceFileReads(node: unknown, found: string[] = [], depth = 0): string[] {
  if (depth > 400 || typeof node !== 'object' || node === null) return found;
  if (Array.isArray(node)) {
    for (const item of node) namespaceFileReads(item, found, depth + 1);
    return found;
  }
  const record = node as Record<string, unknown>;
  if (record.kind === 'call' && record.name === 'read') {
    const first = (record.args as readonly (readonly [string, { kind: string; value?: unknown }])[])[0]?.[1];
    if (first?.kind === 'literal' && typeof first.value === 'string' && !first.value.startsWith('kestra:///')) found.push(first.value);
  }
  for (const [key, value] of Object.entries(record)) if (key !== 'def' && key !== 'pos') namespaceFileReads(value, found, depth + 1);
  return found;
}

/** Compiles one template, reporting a syntax error (an unknown function, a typo) or a read() Sluice cannot serve at its place. */
function compileAt(reporter: Reporter, text: string, at: readonly PathSegment[]): void {
  if (!MARKUP.test(text)) return;
  try {
    const compiled = compileTemplate(text);
    for (const path of namespaceFileReads(compiled.nodes)) {
      reporter.add(engineErrors.codes.FLOW_UNSUPPORTED, at,
        `read('${path.slice(0, 200)}') reads a namespace file, which Sluice does not have: read() reads the execution's own files, by their kestra:/// URI (such as outputs.<taskId>.uri)`);
    }
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
