import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, deleteKeys, type ProblemJson } from './support/api.js';
import { bullmqRuntime, sqliteRuntime, type RuntimeSetup } from './support/runtimes.js';
import { PASSWORD, USER, auth, startServer, uniquePrefix, REDIS_URL, type ServerProcess } from './support/server-process.js';
import { raw } from './support/raw-request.js';
import { fakeUiDist, login } from './support/session.js';

// Issue 14, server side: sessions for people (login, logout, me), CSRF on cookie-authenticated
// unsafe requests, no native browser prompt for a page's script, the web UI served at /ui/, and
// the security headers on every answer.

const FLOW = `id: hello
namespace: e2e.ui
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: hi
`;
const json = { 'content-type': 'application/json' };
const yaml = { 'content-type': 'application/x-yaml' };

describe('web UI sessions and serving', () => {
  let server: ServerProcess;
  let runtime: RuntimeSetup;
  let uiDir: string;

  beforeAll(async () => {
    runtime = sqliteRuntime();
    uiDir = fakeUiDist();
    server = await startServer(['server', 'standalone'], { ...runtime.env, SLUICE_UI_DIR: uiDir, SLUICE_SHUTDOWN_GRACE_MS: '500', SLUICE_AUTH_MAX_FAILURES: '50' });
  });
  afterAll(async () => {
    await server?.stop();
    await runtime?.cleanup();
    rmSync(uiDir, { recursive: true, force: true });
  });

  it('logs in with the basic-auth credentials: an HttpOnly, SameSite=Strict cookie and the session', async () => {
    const res = await fetch(`${server.url}/api/v1/login`, { method: 'POST', headers: json, body: JSON.stringify({ username: USER, password: PASSWORD }) });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^sluice_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    const body = (await res.json()) as { username: string; csrfToken: string; expiresAt: string };
    expect(body).toEqual({ username: USER, csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), expiresAt: expect.any(String) });
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(7 * 3_600_000);
    expect(res.headers.get('cache-control')).toBe('no-store');
    // The tenant path answers too.
    expect((await fetch(`${server.url}/api/v1/main/login`, { method: 'POST', headers: json, body: JSON.stringify({ username: USER, password: PASSWORD }) })).status).toBe(200);
  });

  it('refuses wrong credentials (401, no prompt), bad bodies (400 naming the field, 415) and another Origin (403)', async () => {
    const wrong = await fetch(`${server.url}/api/v1/login`, { method: 'POST', headers: json, body: JSON.stringify({ username: USER, password: 'nope-nope' }) });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBeNull();
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const missing = await fetch(`${server.url}/api/v1/login`, { method: 'POST', headers: json, body: JSON.stringify({ username: USER }) });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as ProblemJson).errors?.map((e) => e.path)).toEqual(['password']);
    expect((await fetch(`${server.url}/api/v1/login`, { method: 'POST', headers: json, body: '{' })).status).toBe(400);
    expect((await fetch(`${server.url}/api/v1/login`, { method: 'POST', body: `username=${USER}` })).status).toBe(415);
    const foreign = await fetch(`${server.url}/api/v1/login`, { method: 'POST', headers: { ...json, origin: 'https://evil.example' }, body: JSON.stringify({ username: USER, password: PASSWORD }) });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as ProblemJson).detail).toMatch(/Origin/);
  });

  it('me answers the session, or the user of basic auth without one; 401 otherwise', async () => {
    const session = await login(server.url);
    const me = await session.call('/api/v1/me');
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ username: USER, csrfToken: session.csrfToken });
    expect(await (await api(server.url, '/api/v1/main/me')).json()).toEqual({ username: USER, csrfToken: null, expiresAt: null });
    expect((await fetch(`${server.url}/api/v1/me`)).status).toBe(401);
    const forged = await fetch(`${server.url}/api/v1/me`, { headers: { cookie: `sluice_session=${'A'.repeat(43)}`, 'x-requested-with': 'XMLHttpRequest' } });
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as ProblemJson).detail).toMatch(/log in again/);
  });

  it('session answers 200 with the cookie\'s session, or authenticated false without a good one', async () => {
    const none = await fetch(`${server.url}/api/v1/session`);
    expect(none.status).toBe(200);
    expect(none.headers.get('www-authenticate')).toBeNull();
    expect(await none.json()).toEqual({ authenticated: false });
    const forged = await fetch(`${server.url}/api/v1/main/session`, { headers: { cookie: `sluice_session=${'A'.repeat(43)}` } });
    expect(await forged.json()).toEqual({ authenticated: false });
    const session = await login(server.url);
    const mine = await session.call('/api/v1/session');
    expect(mine.status).toBe(200);
    expect(await mine.json()).toMatchObject({ authenticated: true, username: USER, csrfToken: session.csrfToken });
    // Basic auth is not a session: the route reports on the cookie only.
    expect(await (await api(server.url, '/api/v1/session')).json()).toEqual({ authenticated: false });
    await session.call('/api/v1/logout', { method: 'POST' });
    expect(await (await session.call('/api/v1/session')).json()).toEqual({ authenticated: false });
  });

  it('a cookie-authenticated unsafe request needs the CSRF token and this server\'s Origin; safe ones need neither', async () => {
    const session = await login(server.url);
    const { cookie, csrfToken, origin } = session;
    const post = (headers: Record<string, string>) => fetch(`${server.url}/api/v1/main/flows`, { method: 'POST', headers: { ...yaml, cookie, ...headers }, body: FLOW });
    const refusals = [
      [{ origin }, /X-CSRF-Token header is missing/],
      [{ origin, 'x-csrf-token': 'x'.repeat(43) }, /does not match/],
      [{ 'x-csrf-token': csrfToken }, /Origin header is missing/],
      [{ 'x-csrf-token': csrfToken, origin: 'http://evil.example' }, /is not this server's origin/],
    ] as const;
    for (const [headers, message] of refusals) {
      const res = await post(headers);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ code: 'CSRF_REFUSED', detail: expect.stringMatching(message) });
    }
    expect((await api(server.url, '/api/v1/main/flows/e2e.ui/hello')).status).toBe(404);
    expect((await post({ origin, 'x-csrf-token': csrfToken })).status).toBe(200);
    // Reads need only the cookie.
    expect((await fetch(`${server.url}/api/v1/main/flows/e2e.ui/hello`, { headers: { cookie } })).status).toBe(200);
    const deleted = await session.call('/api/v1/main/flows/e2e.ui/hello', { method: 'DELETE' });
    expect(deleted.status).toBe(204);
  });

  it('basic auth is unchanged for API clients: WWW-Authenticate for curl and Node, none for a page\'s script', async () => {
    expect((await api(server.url, '/api/v1/main/flows/search')).status).toBe(200);
    const plain = await fetch(`${server.url}/api/v1/main/flows/search`);
    expect(plain.status).toBe(401);
    expect(plain.headers.get('www-authenticate')).toMatch(/^Basic/);
    for (const headers of <Record<string, string>[]>[
      { 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty', 'sec-fetch-site': 'same-origin' },
      { 'x-requested-with': 'XMLHttpRequest' },
      { accept: 'text/event-stream' },
      { cookie: `sluice_session=${'B'.repeat(43)}` },
    ]) {
      const res = await fetch(`${server.url}/api/v1/main/flows/search`, { headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.headers.get('www-authenticate'), JSON.stringify(headers)).toBeNull();
    }
    // A browser's navigation still gets the prompt, as before.
    // (Sent raw: Node's fetch puts its own Sec-Fetch-Mode in.)
    const navigate = await raw(server.url, 'GET', '/api/v1/main/flows/search', undefined, { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' });
    expect(navigate.status).toBe(401);
    expect(navigate.headers['www-authenticate']).toMatch(/^Basic/);
    // A password the browser remembered is not usable by another site's form.
    const crossSite = await fetch(`${server.url}/api/v1/main/flows`, { method: 'POST', headers: { ...auth, ...yaml, 'sec-fetch-site': 'cross-site' }, body: FLOW });
    expect(crossSite.status).toBe(403);
  });

  it('logout ends the session (204, cookie cleared); the cookie is refused afterwards', async () => {
    const session = await login(server.url);
    const out = await session.call('/api/v1/logout', { method: 'POST' });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toBe('sluice_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0');
    expect((await session.call('/api/v1/me')).status).toBe(401);
    // Logging out needs the CSRF token like any unsafe request: another site cannot log a user out.
    const other = await login(server.url);
    expect((await fetch(`${server.url}/api/v1/logout`, { method: 'POST', headers: { cookie: other.cookie } })).status).toBe(403);
    expect((await other.call('/api/v1/me')).status).toBe(200);
  });

  it('serves the UI at /ui/ with history fallback, caching and the CSP; / redirects there', async () => {
    const root = await fetch(`${server.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/ui/');
    for (const path of ['/ui/', '/ui/main/flows', '/ui/main/executions/company.team/trigger/4Zx?tab=logs']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control'), path).toBe('no-cache');
      expect(await res.text(), path).toContain('<title>Sluice</title>');
    }
    // Paths that climb out of the folder are pages of the app, never files elsewhere (sent raw:
    // fetch would resolve the dots).
    for (const path of ['/ui/%2e%2e/%2e%2e/package.json', '/ui/../../package.json', '/ui/assets/..%2f..%2fpackage.json', '/ui/.env']) {
      const res = await raw(server.url, 'GET', path);
      expect(res.body, path).toContain('<title>Sluice</title>');
    }
    const page = await fetch(`${server.url}/ui/main/flows`);
    expect(page.headers.get('content-security-policy')).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
    const asset = await fetch(`${server.url}/ui/assets/index-AbC123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${server.url}/ui/favicon.svg`)).headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    // A missing asset is a 404, not the page cached for a year under a script's name.
    expect((await fetch(`${server.url}/ui/assets/index-Gone.js`)).status).toBe(404);
    // Revalidation of index.html (sent raw: fetch adds Cache-Control: no-cache to a request
    // that sets If-None-Match, which asks the server to answer in full).
    const etag = page.headers.get('etag') ?? '';
    expect((await raw(server.url, 'GET', '/ui/', undefined, { 'if-none-match': etag })).status).toBe(304);
    expect((await fetch(`${server.url}/ui/`, { method: 'POST' })).status).toBe(405);
    expect(server.lines.some((l) => l.includes(`"msg":"UI at ${server.url}/ui/"`))).toBe(true);
  });

  it('sets the security headers on every answer, no-store on the API', async () => {
    for (const [path, init] of [['/ui/', {}], ['/api/v1/main/flows/search', { headers: auth }], ['/api/v1/main/flows/search', {}], ['/ping', {}], ['/nope', {}]] as const) {
      const res = await fetch(`${server.url}${path}`, init);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('same-origin');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      if (path.startsWith('/api/')) expect(res.headers.get('cache-control'), path).toBe('no-store');
    }
  });
});

describe('web UI sessions behind an https SLUICE_URL', () => {
  it('marks the cookie Secure and takes the origin of SLUICE_URL as its own, whatever the Host', async () => {
    const runtime = sqliteRuntime();
    const server = await startServer(['server', 'standalone'], { ...runtime.env, SLUICE_URL: 'https://sluice.example.com', SLUICE_SHUTDOWN_GRACE_MS: '500' });
    try {
      const base = `http://${server.lines.map((l) => /"address":"([^"]+)","port":(\d+)/.exec(l)).find(Boolean)!.slice(1).join(':')}`;
      const res = await fetch(`${base}/api/v1/login`, { method: 'POST', headers: { ...json, origin: 'https://sluice.example.com' }, body: JSON.stringify({ username: USER, password: PASSWORD }) });
      expect(res.status).toBe(200);
      expect(res.headers.get('set-cookie')).toMatch(/; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
      const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
      const { csrfToken } = (await res.json()) as { csrfToken: string };
      const post = (origin: string) => fetch(`${base}/api/v1/main/flows`, { method: 'POST', headers: { ...yaml, cookie, 'x-csrf-token': csrfToken, origin }, body: FLOW });
      // The Host's origin is not the public one: refused.
      expect((await post(base)).status).toBe(403);
      expect((await post('https://sluice.example.com')).status).toBe(200);
      expect((await fetch(`${base}/api/v1/login`, { method: 'POST', headers: { ...json, origin: base }, body: JSON.stringify({ username: USER, password: PASSWORD }) })).status).toBe(403);
    } finally {
      await server.stop();
      await runtime.cleanup();
    }
  });
});

describe('web UI without a build', () => {
  it('answers /ui/ with a 503 problem saying how to build it, and serves the API as ever; the quick start prints the address', async () => {
    const runtime = sqliteRuntime();
    // The quick start's command: it prints the UI's address for a person to open.
    const server = await startServer(['server', 'standalone', '--examples'], { ...runtime.env, SLUICE_UI_DIR: `${runtime.env.SLUICE_DATA_DIR}/no-ui`, SLUICE_SHUTDOWN_GRACE_MS: '500' });
    try {
      const res = await fetch(`${server.url}/ui/main/flows`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as ProblemJson;
      expect(body.detail).toMatch(/not built.*pnpm build/);
      expect((await api(server.url, '/api/v1/main/flows/search')).status).toBe(200);
      expect(server.lines.some((l) => l.includes('is not built'))).toBe(true);
      expect(server.lines).toContain(`  Open the web UI: ${server.url}/ui/`);
    } finally {
      await server.stop();
      await runtime.cleanup();
    }
  });
});

describe('sessions across webservers on one Redis', () => {
  const prefix = uniquePrefix('ui-sessions');
  const servers: ServerProcess[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
    await deleteKeys(prefix);
  });

  it('a session opened on one webserver is accepted by another, and a logout on either ends it on both', async () => {
    const env = { ...bullmqRuntime('unused').env, REDIS_URL, SLUICE_REDIS_PREFIX: prefix, SLUICE_SHUTDOWN_GRACE_MS: '500' };
    servers.push(await startServer(['server', 'webserver'], env), await startServer(['server', 'webserver'], env));
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const session = await login(a.url);
    const onB = (path: string, init: RequestInit = {}) => fetch(`${b.url}${path}`, { ...init, headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken, origin: new URL(b.url).origin, ...(init.headers as Record<string, string> | undefined) } });
    expect((await onB('/api/v1/me')).status).toBe(200);
    expect((await onB('/api/v1/logout', { method: 'POST' })).status).toBe(204);
    expect((await session.call('/api/v1/me')).status).toBe(401);
    expect((await onB('/api/v1/me')).status).toBe(401);
  });

  it('shares the failure limiter between login and basic auth', async () => {
    const env = { REDIS_URL, SLUICE_REDIS_PREFIX: prefix, SLUICE_SHUTDOWN_GRACE_MS: '500', SLUICE_AUTH_MAX_FAILURES: '3', SLUICE_AUTH_LOCKOUT_MS: '60000' };
    servers.push(await startServer(['server', 'webserver'], env));
    const [server] = servers as [ServerProcess];
    const badBasic = { authorization: `Basic ${Buffer.from(`${USER}:wrong-password`).toString('base64')}` };
    expect((await fetch(`${server.url}/api/v1/main/flows/search`, { headers: badBasic })).status).toBe(401);
    const badLogin = () => fetch(`${server.url}/api/v1/login`, { method: 'POST', headers: json, body: JSON.stringify({ username: USER, password: 'wrong-password' }) });
    expect((await badLogin()).status).toBe(401);
    expect((await badLogin()).status).toBe(401);
    // Three failures, by either door: both doors are locked, even with the right password.
    const locked = await fetch(`${server.url}/api/v1/login`, { method: 'POST', headers: json, body: JSON.stringify({ username: USER, password: PASSWORD }) });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await api(server.url, '/api/v1/main/flows/search')).status).toBe(429);
  });
});
