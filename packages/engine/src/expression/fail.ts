/**
 * Error construction for the expression language. Every failure leaves through here, so each one
 * is a catalog `SluiceError` with `details: { expression, line, column }`. Messages quote the
 * template, never the data it runs on: a value may be a secret or personal data, and errors end
 * up in logs and API responses.
 */
import type { SluiceError } from '@sluice/core';
import { engineErrors } from '../errors.js';
import type { Pos } from './ast.js';

/** Long templates are quoted in messages by their first characters only. */
const QUOTE_LIMIT = 200;

function quote(expression: string): string {
  return expression.length > QUOTE_LIMIT ? `${expression.slice(0, QUOTE_LIMIT)}…` : expression;
}

function details(expression: string, pos: Pos | undefined): { expression: string; line: number; column: number } {
  return { expression: quote(expression), line: pos?.line ?? 1, column: pos?.column ?? 1 };
}

/** `EXPRESSION_SYNTAX`: the template cannot be parsed. */
export function syntaxError(message: string, expression: string, pos: Pos | undefined): SluiceError {
  const d = details(expression, pos);
  return engineErrors.EXPRESSION_SYNTAX(message, d.expression, d.line, d.column, { details: d });
}

/** `EXPRESSION_UNDEFINED`: a variable or property does not exist; `name` is its path. */
export function undefinedError(name: string, expression: string, pos: Pos | undefined): SluiceError {
  const d = details(expression, pos);
  return engineErrors.EXPRESSION_UNDEFINED(name, d.expression, d.line, d.column, { details: { ...d, name } });
}

/** `EXPRESSION_EVALUATION`: a well-formed expression failed on its data. */
export function evaluationError(message: string, expression: string, pos: Pos | undefined, cause?: unknown): SluiceError {
  const d = details(expression, pos);
  return engineErrors.EXPRESSION_EVALUATION(message, d.expression, d.line, d.column, cause === undefined ? { details: d } : { details: d, cause });
}

/** `EXPRESSION_LIMIT`: a safety bound was reached (size, depth, iterations, work). */
export function limitError(message: string, expression: string, pos: Pos | undefined): SluiceError {
  const d = details(expression, pos);
  return engineErrors.EXPRESSION_LIMIT(`${message} in '${d.expression}' at line ${d.line}, column ${d.column}`, { details: d });
}
