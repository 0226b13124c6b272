import type { Context } from 'koa';
import type { Session } from '../../auth/sessions.js';
import { SESSION_COOKIE, type Auth, type Authenticated } from '../auth.middleware.js';
import { cookieValue } from '../browser-requests.js';
import type { RouteSpec } from '../api-router.js';
import { serverErrors } from '../../errors.js';
import { problem } from '../problem.js';
import { readRawBody } from '../raw-body.js';

/** A login body is two short strings; anything longer is not one. */
const LOGIN_MAX_BYTES = 16 * 1024;

/** What login and /me answer about a session; both null for a basic-auth caller, which has none. */
const sessionJson = (username: string, session: Session | undefined) => ({
  username,
  csrfToken: session?.csrfToken ?? null,
  expiresAt: session ? new Date(session.expiresAt).toISOString() : null,
});

/**
 * Sessions for people using the web UI: `POST /login` checks the same credentials as basic auth,
 * through the same failure limiter, and sets the session cookie; `POST /logout` ends the
 * session in the store (so on every webserver) and clears the cookie; `GET /me` tells the UI
 * who is logged in and the CSRF token its unsafe requests must send. `GET /session` is the
 * page's first question: it answers 200 whether or not a session exists, so a visitor who is
 * not logged in yet meets a login form, not a failed request in the browser's console.
 */
export function sessionRoutes(auth: Auth): RouteSpec[] {
  const cookie = (value: string, extra = ''): string =>
    `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict${auth.secureCookies ? '; Secure' : ''}${extra}`;
  return [
    {
      method: 'post',
      path: '/login',
      // Public: it is how credentials arrive. It checks them itself, with the same limiter.
      public: true,
      handler: async (ctx) => {
        // Login CSRF: another site must not log a visitor in to an account of its choosing.
        const origin = ctx.get('origin');
        if (origin !== '' && origin.toLowerCase() !== auth.ownOrigin(ctx).toLowerCase()) {
          return problem(ctx, 403, `the Origin header ${JSON.stringify(origin)} is not this server's origin ${auth.ownOrigin(ctx)}`, undefined, serverErrors.codes.CSRF_REFUSED);
        }
        const blocked = auth.limiter.blockedFor(ctx.ip);
        if (blocked > 0) {
          ctx.set('Retry-After', String(Math.ceil(blocked / 1000)));
          return problem(ctx, 429, 'too many failed logins from this address; retry later');
        }
        const body = await readLogin(ctx);
        if (typeof body === 'string') return;
        if (!auth.credentials.verify(body.username, body.password)) {
          auth.limiter.fail(ctx.ip);
          return problem(ctx, 401, 'wrong user name or password');
        }
        auth.limiter.succeed(ctx.ip);
        const { token, session } = await auth.sessions.open(body.username);
        ctx.append('Set-Cookie', cookie(token));
        ctx.body = sessionJson(session.username, session);
      },
    },
    {
      method: 'post',
      path: '/logout',
      handler: async (ctx) => {
        const state = ctx.state.auth as Authenticated;
        if (state.by === 'session') await auth.sessions.close(state.token);
        ctx.append('Set-Cookie', cookie('', '; Max-Age=0'));
        ctx.status = 204;
      },
    },
    {
      method: 'get',
      path: '/session',
      // Public: it only reports on the cookie the request carries, and never counts as a login.
      public: true,
      handler: async (ctx) => {
        const token = cookieValue(ctx.get('cookie'), SESSION_COOKIE);
        const session = token === undefined ? undefined : await auth.sessions.find(token);
        ctx.body = session ? { authenticated: true, ...sessionJson(session.username, session) } : { authenticated: false };
      },
    },
    {
      method: 'get',
      path: '/me',
      handler: (ctx) => {
        const state = ctx.state.auth as Authenticated;
        ctx.body = sessionJson(state.username, state.by === 'session' ? state.session : undefined);
      },
    },
  ];
}

/** The login body, or 'answered' once a problem naming the field has been set. */
async function readLogin(ctx: Context): Promise<{ username: string; password: string } | 'answered'> {
  if (!ctx.is('application/json')) {
    problem(ctx, 415, 'send the login as application/json: {"username": "...", "password": "..."}');
    return 'answered';
  }
  const text = Buffer.from(await readRawBody(ctx.req, LOGIN_MAX_BYTES)).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    problem(ctx, 400, `the body is not valid JSON: ${(error as Error).message}`, [{ path: 'body', message: 'must be a JSON object' }]);
    return 'answered';
  }
  const value = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  const missing = (['username', 'password'] as const).filter((field) => typeof value[field] !== 'string' || value[field] === '');
  if (missing.length > 0) {
    problem(ctx, 400, `${missing.join(' and ')} must be given as non-empty strings`, missing.map((path) => ({ path, message: 'must be a non-empty string' })));
    return 'answered';
  }
  return { username: value.username as string, password: value.password as string };
}
