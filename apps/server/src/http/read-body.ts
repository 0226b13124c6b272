import { MAX_JSON_DEPTH, nestedDeeperThan, parseJson } from '@sluice/core';
import type { Context } from 'koa';
import { readRawBody } from './raw-body.js';

/** The request body as UTF-8 text, bounded by the configured limit. */
export async function readText(ctx: Context, limit: number): Promise<string> {
  return Buffer.from(await readRawBody(ctx.req, limit)).toString('utf8');
}

/**
 * The request body as JSON; `undefined` when empty. Throws a SyntaxError the route turns into
 * a 400 naming the problem.
 */
export async function readJson(ctx: Context, limit: number): Promise<unknown> {
  const text = await readText(ctx, limit);
  return text.trim() === '' ? undefined : JSON.parse(text);
}

/**
 * A JSON body that must be an object of values by name (inputs), or the message saying why it is
 * not: nesting bounded before parsing and integers past 2^53 kept exact, as webhook bodies are.
 * `what` names the object in that message.
 */
export function jsonObjectOrProblem(text: string, what: string): Record<string, unknown> | string {
  if (nestedDeeperThan(text, MAX_JSON_DEPTH)) return `the body is nested deeper than ${MAX_JSON_DEPTH} levels`;
  let parsed: unknown;
  try {
    parsed = parseJson(text);
  } catch (error) {
    return `the body is not valid JSON: ${(error as Error).message}`;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return `${what} must be a JSON object of values by input id`;
  return parsed as Record<string, unknown>;
}
