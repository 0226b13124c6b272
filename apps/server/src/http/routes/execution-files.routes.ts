import { Readable } from 'node:stream';
import { isSluiceError } from '@sluice/core';
import { isId, pathOfUri, type Execution, type FileKey } from '@sluice/engine';
import type { Context } from 'koa';
import type { ServerContext } from '../../server-context.js';
import type { RouteSpec } from '../api-router.js';
import { problem } from '../problem.js';

/**
 * The execution and the file key a files route asks for: `?path=kestra:///...` must name a file
 * of that execution (Kestra's check); undefined once a 404 or 400 is answered.
 */
async function target(s: ServerContext, ctx: Context): Promise<{ execution: Execution; key: FileKey; uri: string } | undefined> {
  const id = String(ctx.params.executionId);
  const execution = isId(id) ? await s.runtime.executions.get(id) : undefined;
  if (!execution) {
    problem(ctx, 404, `execution '${id}' not found`);
    return undefined;
  }
  const uri = ctx.query.path;
  if (typeof uri !== 'string' || uri.length === 0) {
    problem(ctx, 400, 'path is required: the kestra:/// URI of a file of the execution', [{ path: 'path', message: 'is required' }]);
    return undefined;
  }
  try {
    const path = pathOfUri({ tenantId: execution.tenantId, namespace: execution.namespace, flowId: execution.flowId, executionId: execution.id }, uri);
    return { execution, key: { tenantId: execution.tenantId, executionId: execution.id, path }, uri };
  } catch (error) {
    if (!isSluiceError(error)) throw error;
    problem(ctx, 400, error.message, [{ path: 'path', message: error.message, code: error.code }]);
    return undefined;
  }
}

/** RFC 6266: a plain ASCII fallback and the UTF-8 name. */
function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** Files of an execution in internal storage, by Kestra's routes: the bytes, and their size. */
export function executionFileRoutes(s: ServerContext): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/executions/:executionId/file',
      handler: async (ctx) => {
        const found = await target(s, ctx);
        if (!found) return;
        const stat = await s.storage.stat(found.key);
        const stream = stat === undefined ? undefined : await s.storage.get(found.key);
        if (stat === undefined || stream === undefined) return problem(ctx, 404, `no file at '${found.uri}' (it may have been deleted with its execution)`);
        ctx.set('Content-Disposition', attachment(found.key.path[found.key.path.length - 1] ?? 'file'));
        ctx.type = 'application/octet-stream';
        ctx.length = stat.size;
        // A file someone else's task wrote is served as data, never rendered by the browser.
        ctx.set('X-Content-Type-Options', 'nosniff');
        ctx.body = stream instanceof Readable ? stream : Readable.from(stream);
      },
    },
    {
      method: 'get',
      path: '/executions/:executionId/file/metas',
      handler: async (ctx) => {
        const found = await target(s, ctx);
        if (!found) return;
        const stat = await s.storage.stat(found.key);
        if (stat === undefined) return problem(ctx, 404, `no file at '${found.uri}' (it may have been deleted with its execution)`);
        ctx.body = { size: stat.size };
      },
    },
  ];
}
