import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Context, Middleware } from 'koa';
import { serverErrors } from '../errors.js';
import { problem } from './problem.js';
import { uiTarget } from './ui-files.js';

/**
 * Serves the built web UI at `/ui/`: its files as they are, any other `/ui/...` path as
 * index.html (the app's router shows the page: deep links and reloads work); `/` and `/ui`
 * redirect to `/ui/`. Hashed build assets are cached for a year; index.html is revalidated on
 * every load, so a new build is picked up at once. Without a build, `/ui/` answers 503 saying how
 * to make one, whatever else works.
 */
export function serveUi(uiDir: string): Middleware {
  // Not async itself: every API request passes through, and an async layer would cost each of
  // them a promise of its own.
  return (ctx, next) => {
    const { path } = ctx;
    if (path === '/' || path === '/ui') {
      if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
      ctx.status = 302;
      ctx.set('Location', `/ui/${ctx.querystring ? `?${ctx.querystring}` : ''}`);
      return Promise.resolve();
    }
    return path.startsWith('/ui/') ? serveUiPath(uiDir, ctx) : next();
  };
}

/** Answers a path under `/ui/`: a file of the build, else index.html, else 503. */
async function serveUiPath(uiDir: string, ctx: Context): Promise<void> {
  if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
    ctx.set('Allow', 'GET, HEAD');
    return problem(ctx, 405, `${ctx.method} is not allowed here; allowed: GET, HEAD`);
  }
  const target = uiTarget(uiDir, ctx.path.slice('/ui/'.length));
  if (target.kind === 'file') {
    if (await sendFile(ctx, target.path, target.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')) return;
    if (target.immutable) return problem(ctx, 404, `no such file ${ctx.path}; the UI may have been rebuilt: reload the page`);
  }
  if (await sendFile(ctx, join(uiDir, 'index.html'), 'no-cache')) return;
  const error = serverErrors.UI_NOT_BUILT(uiDir);
  problem(ctx, 503, error.message, undefined, error.code);
}

/** Sends a regular file with its type and validators; false when there is none at `path`. */
async function sendFile(ctx: Context, path: string, cacheControl: string): Promise<boolean> {
  const found = await stat(path).catch(() => undefined);
  if (!found?.isFile()) return false;
  ctx.set('Cache-Control', cacheControl);
  ctx.type = extname(path) || 'application/octet-stream';
  ctx.lastModified = found.mtime;
  ctx.etag = `W/"${found.size.toString(16)}-${found.mtimeMs.toString(16)}"`;
  // Koa compares validators only for a 2xx answer.
  ctx.status = 200;
  if (ctx.fresh) {
    ctx.status = 304;
    return true;
  }
  ctx.length = found.size;
  ctx.body = createReadStream(path);
  return true;
}
