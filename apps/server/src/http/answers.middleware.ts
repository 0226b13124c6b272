import { stringifyJson } from '@sluice/core';
import type { Context, Middleware } from 'koa';
import { problem } from './problem.js';

/**
 * The UI's Content-Security-Policy: its own scripts only (no inline script, no eval), inline
 * styles allowed (components set style attributes), images from itself and data: URLs, calls to
 * its own origin only, and no framing (clickjacking).
 */
const UI_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * What every answer gets, in one layer: its security headers, a problem body when no route
 * answered, and JSON that keeps integers past 2^53. One layer rather than three: each Koa layer
 * is a closure call and a promise per request, and on the webhook's path the three cost a few %
 * of the webserver's CPU ("Twelfth round" in docs/performance.md). Sits inside the errors
 * middleware, so what it does after the routes is covered by it.
 */
export function answersMiddleware(): Middleware {
  return async (ctx, next) => {
    setSecurityHeaders(ctx);
    await next();
    answerUnanswered(ctx);
    writeJson(ctx);
  };
}

/**
 * Headers on every answer: no content sniffing, no framing, no referrer to other sites; API
 * answers are never stored by a cache (they hold flows, executions, CSRF tokens); the UI gets
 * its CSP. Set before the routes run, so error answers carry them too.
 */
function setSecurityHeaders(ctx: Context): void {
  const { res, path } = ctx;
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'same-origin');
  res.setHeader('X-Frame-Options', 'DENY');
  if (path.startsWith('/api/') || path === '/api') res.setHeader('Cache-Control', 'no-store');
  else if (path === '/ui' || path.startsWith('/ui/')) res.setHeader('Content-Security-Policy', UI_CSP);
}

/**
 * Once the routers and allowedMethods have decided, a problem body that agrees with the status:
 * a path no route has gets a 404 problem, a method the path lacks a 405 problem (allowedMethods
 * has set the status and Allow). Written before them, the 404 problem was then turned into 405
 * (or 200 for OPTIONS) by allowedMethods under that body.
 */
function answerUnanswered(ctx: Context): void {
  if (ctx.body !== undefined && ctx.body !== null) return;
  if (ctx.status === 404) problem(ctx, 404, 'no such route');
  else if (ctx.status === 405) problem(ctx, 405, `${ctx.method} is not allowed here; allowed: ${ctx.response.get('Allow')}`);
}

/**
 * Koa writes object bodies with JSON.stringify, which throws on a bigint: an execution whose body
 * held an integer past 2^53 keeps it exact (see @sluice/core's parseJson). Same cost when there
 * is none, as it is the same one JSON.stringify. Streams, buffers and text pass as they are.
 */
function writeJson(ctx: Context): void {
  const body: unknown = ctx.body;
  if (body === null || typeof body !== 'object' || Buffer.isBuffer(body) || typeof (body as { pipe?: unknown }).pipe === 'function') return;
  ctx.body = stringifyJson(body);
}
