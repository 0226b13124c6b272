import { createHash, timingSafeEqual } from 'node:crypto';

/** Request headers as Node gives them (lower-case names). */
type Headers = Readonly<Record<string, string | string[] | undefined>>;

const one = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Methods that change something: a cookie-authenticated one must prove where it comes from. */
export function isUnsafeMethod(method: string): boolean {
  return method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'DELETE';
}

/**
 * True when a page's script sent the request (fetch, XHR, EventSource) rather than a person
 * typing an address or a program such as curl: such a request must never get
 * `WWW-Authenticate`, or the browser shows its native login prompt over the UI.
 *
 * A browser's fetch says `Sec-Fetch-Mode` other than `navigate` together with `Sec-Fetch-Dest`
 * (Node's fetch sends the mode alone, and is an API client that keeps the header). Browsers send
 * neither to a plain-http address other than localhost, so the UI also sends `X-Requested-With`
 * on its calls, and an EventSource asks for `text/event-stream`.
 */
export function isFromScript(headers: Headers): boolean {
  const mode = one(headers, 'sec-fetch-mode');
  if (mode !== undefined && mode !== 'navigate' && one(headers, 'sec-fetch-dest') !== undefined) return true;
  return one(headers, 'x-requested-with') !== undefined || (one(headers, 'accept') ?? '').includes('text/event-stream');
}

/**
 * The origin browsers send for this server's own pages: that of `SLUICE_URL` when set, else
 * the one the request names in its Host header (the server then cannot know another).
 */
export function ownOrigin(publicUrl: string | undefined, host: string, protocol: string): string {
  if (publicUrl) return new URL(publicUrl).origin;
  return `${protocol}://${host}`.toLowerCase();
}

/** Compares two strings in constant time (whatever their lengths). */
export function sameSecret(a: string, b: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Why an unsafe request authenticated by the session cookie is refused, or undefined when it
 * carries both proofs that the UI sent it: the session's CSRF token in `X-CSRF-Token` (which
 * another site cannot read) and this server's own `Origin` (which another site cannot forge).
 */
export function csrfRefusal(headers: Headers, csrfToken: string, origin: string): string | undefined {
  const token = one(headers, 'x-csrf-token');
  const sentOrigin = one(headers, 'origin');
  if (token === undefined || token === '') return 'the X-CSRF-Token header is missing: send the csrfToken that login and /me answer';
  if (!sameSecret(token, csrfToken)) return 'the X-CSRF-Token header does not match this session\'s token';
  if (sentOrigin === undefined || sentOrigin === '') return `the Origin header is missing: requests authenticated by the session cookie must come from ${origin}`;
  if (sentOrigin.toLowerCase() !== origin.toLowerCase()) return `the Origin header ${JSON.stringify(sentOrigin)} is not this server's origin ${origin}`;
  return undefined;
}

/** The value of cookie `name` in a Cookie header, or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
