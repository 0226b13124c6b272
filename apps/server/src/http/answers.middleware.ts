import type { Middleware } from 'koa';

/**
 * The UI's Content-Security-Policy: its own scripts only (no inline script, no eval), inline
 * styles allowed (components set style attributes), images from itself and data: URLs, calls to
 * its own origin only, and no framing (clickjacking).
 */
export const UI_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * Headers on every answer: no content sniffing, no framing, no referrer to other sites; API
 * answers are never stored by a cache (they hold flows, executions, CSRF tokens); the UI gets
 * its CSP. Set before the routes run, so error answers carry them too.
 */
export function securityHeaders(): Middleware {
  return async (ctx, next) => {
    ctx.set({ 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin', 'X-Frame-Options': 'DENY' });
    if (ctx.path.startsWith('/api/') || ctx.path === '/api') ctx.set('Cache-Control', 'no-store');
    else if (ctx.path === '/ui' || ctx.path.startsWith('/ui/')) ctx.set('Content-Security-Policy', UI_CSP);
    await next();
  };
}
