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
