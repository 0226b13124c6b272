import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { Credentials } from '../auth/credentials.js';
import type { FailureLimiter } from '../auth/failure-limiter.js';
import type { Session, Sessions } from '../auth/sessions.js';
import { cookieValue, csrfRefusal, isFromScript, isUnsafeMethod } from './browser-requests.js';
import { serverErrors } from '../errors.js';
import { problem } from './problem.js';

/** Name of the session cookie of the web UI. */
export const SESSION_COOKIE = 'sluice_session';

/** What authenticates requests: shared by the middleware and the login routes. */
export interface Auth {
  readonly credentials: Credentials;
  /** One limiter for basic auth and the login route: a password is guessed at the same pace through either. */
  readonly limiter: FailureLimiter;
  readonly sessions: Sessions;
  /** The origin this request's page must have (SLUICE_URL's, else the Host's). */
  ownOrigin(ctx: Context): string;
  /** Session cookies get `Secure` (SLUICE_URL is https). */
  readonly secureCookies: boolean;
}

/** How a request was authenticated, in `ctx.state.auth`. */
export type Authenticated =
  | { readonly by: 'basic'; readonly username: string }
  | { readonly by: 'session'; readonly username: string; readonly token: string; readonly session: Session };

/**
 * Credentials on everything under `/api/v1` except the routes declared public, and on `/metrics`. Whether a route
 * is public is asked of the router that serves it, with the same matching, so no spelling of a
 * path (double slashes, encoded separators, a namespace named `webhook`) can reach a protected
 * route through a public prefix (Kestra GHSA-j5cv-8rw9-vv2p).
 *
 * Two ways in: basic auth, for API clients, unchanged; and the web UI's session cookie, for
 * people. A cookie is sent by the browser whoever made the page, so an unsafe request it
 * authenticates must also carry the session's CSRF token and this server's Origin (403
 * otherwise). Basic auth sent by a browser is refused likewise on unsafe requests another site
 * made (`Sec-Fetch-Site: cross-site`): a browser remembers a password typed in its prompt and
 * sends it to any request, as it sends cookies.
 *
 * An address that fails too often gets 429 with Retry-After for a while, even with the right
 * password, so guessing runs at a few tries a minute. Public routes (the webhook) never count.
 * A page's script never gets `WWW-Authenticate`, so the browser never shows its own prompt over
 * the UI; curl and API clients get it as before.
 */
export function authenticate(publicRouter: Router, auth: Auth): Middleware {
  const { credentials, limiter, sessions } = auth;
  return async (ctx, next) => {
    // Compared without case: whatever the router makes of `/API/...`, it is never left open.
    const path = ctx.path.toLowerCase();
    // /metrics too: its per-route and per-status counts tell an outsider how the server is used.
    if (!path.startsWith('/api/') && path !== '/api' && !path.startsWith('/metrics')) return next();
    if (publicRouter.match(ctx.path, ctx.method).route) return next();
    const header = ctx.get('authorization');
    const token = header === '' ? cookieValue(ctx.get('cookie'), SESSION_COOKIE) : undefined;
    if (token !== undefined) {
      const session = await sessions.find(token);
      if (session) {
        if (isUnsafeMethod(ctx.method)) {
          const refusal = csrfRefusal(ctx.headers, session.csrfToken, auth.ownOrigin(ctx));
          if (refusal) return problem(ctx, 403, refusal, undefined, serverErrors.codes.CSRF_REFUSED);
        }
        ctx.state.auth = { by: 'session', username: session.username, token, session } satisfies Authenticated;
        return next();
      }
    }
    const blocked = limiter.blockedFor(ctx.ip);
    if (blocked > 0) {
      ctx.set('Retry-After', String(Math.ceil(blocked / 1000)));
      problem(ctx, 429, 'too many failed logins from this address; retry later');
      return;
    }
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (match) {
      const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0 && credentials.verify(decoded.slice(0, colon), decoded.slice(colon + 1))) {
        limiter.succeed(ctx.ip);
        if (isUnsafeMethod(ctx.method) && ctx.get('sec-fetch-site') === 'cross-site') {
          return problem(ctx, 403, 'a request another site made cannot use the credentials your browser remembered', undefined, serverErrors.codes.CSRF_REFUSED);
        }
        ctx.state.auth = { by: 'basic', username: decoded.slice(0, colon) } satisfies Authenticated;
        return next();
      }
      // Only a wrong password counts; a request without credentials is how a browser asks.
      limiter.fail(ctx.ip);
    }
    // A request with the session cookie comes from the UI, whatever else it says.
    if (token === undefined && !isFromScript(ctx.headers)) ctx.set('WWW-Authenticate', 'Basic realm="Sluice", charset="UTF-8"');
    problem(ctx, 401, token !== undefined ? 'the session has expired or was ended; log in again' : 'Authentication required');
  };
}
