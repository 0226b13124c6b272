import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PASSWORD, USER } from './server-process.js';

/** A logged-in browser, as far as the server can tell: its cookie, CSRF token and origin. */
export interface BrowserSession {
  readonly cookie: string;
  readonly csrfToken: string;
  readonly origin: string;
  /** Calls `base` as the UI does: cookie, X-Requested-With, and for unsafe methods the token and Origin. */
  call(path: string, init?: RequestInit): Promise<Response>;
}

/** Logs in through `POST /api/v1/login` and returns the session; throws unless it answers 200. */
export async function login(base: string, username = USER, password = PASSWORD): Promise<BrowserSession> {
  const origin = new URL(base).origin;
  const res = await fetch(`${base}/api/v1/login`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ username, password }), signal: AbortSignal.timeout(15_000),
  });
  if (res.status !== 200) throw new Error(`login answered ${res.status}: ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return {
    cookie, csrfToken, origin,
    call: (path, init = {}) => fetch(`${base}${path}`, {
      ...init,
      headers: { cookie, 'x-requested-with': 'XMLHttpRequest', 'x-csrf-token': csrfToken, origin, ...(init.headers as Record<string, string> | undefined) },
      signal: init.signal ?? AbortSignal.timeout(15_000),
    }),
  };
}

/** A stand-in for `vite build`'s output: index.html and one hashed asset, in a temp folder. */
export function fakeUiDist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-e2e-ui-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Sluice</title><script type="module" src="/ui/assets/index-AbC123.js"></script>\n');
  writeFileSync(join(dir, 'assets', 'index-AbC123.js'), 'console.log("sluice ui");\n');
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
  return dir;
}
