import type Router from '@koa/router';
import type { Middleware } from 'koa';
import type { Credentials } from '../auth/credentials.js';
import type { FailureLimiter } from '../auth/failure-limiter.js';
import { problem } from './problem.js';

/**
 * Basic auth on everything under `/api/v1` except the routes declared public, and on `/metrics`. Whether a route
 * is public is asked of the router that serves it, with the same matching, so no spelling of a
 * path (double slashes, encoded separators, a namespace named `webhook`) can reach a protected
 * route through a public prefix (Kestra GHSA-j5cv-8rw9-vv2p).
 *
 * An address that fails too often gets 429 with Retry-After for a while, even with the right
 * password, so guessing runs at a few tries a minute. Public routes (the webhook) never count.
 */
export function basicAuth(publicRouter: Router, credentials: Credentials, limiter: FailureLimiter): Middleware {
  return async (ctx, next) => {
    // Compared without case: whatever the router makes of `/API/...`, it is never left open.
    const path = ctx.path.toLowerCase();
    // /metrics too: its per-route and per-status counts tell an outsider how the server is used.
    if (!path.startsWith('/api/') && path !== '/api' && !path.startsWith('/metrics')) return next();
    if (publicRouter.match(ctx.path, ctx.method).route) return next();
    const blocked = limiter.blockedFor(ctx.ip);
    if (blocked > 0) {
      ctx.set('Retry-After', String(Math.ceil(blocked / 1000)));
      problem(ctx, 429, 'too many failed logins from this address; retry later');
      return;
    }
    const header = ctx.get('authorization');
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (match) {
      const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0 && credentials.verify(decoded.slice(0, colon), decoded.slice(colon + 1))) {
        limiter.succeed(ctx.ip);
        return next();
      }
      // Only a wrong password counts; a request without credentials is how a browser asks.
      limiter.fail(ctx.ip);
    }
    ctx.set('WWW-Authenticate', 'Basic realm="Sluice", charset="UTF-8"');
    problem(ctx, 401, 'Authentication required');
  };
}
