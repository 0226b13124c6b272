import { LOG_LEVELS, type LogLevel } from '@sluice/core';
import { isId, type LogQuery } from '@sluice/engine';
import { followLogs } from '../follow-logs.js';
import type { Context } from 'koa';
import type { ServerContext } from '../../server-context.js';
import type { RouteSpec } from '../api-router.js';
import { problem } from '../problem.js';

/**
 * A message as one line of the plain-text download: a backslash, a line feed and a carriage
 * return are written `\\`, `\n` and `\r`, so a message (which may hold what a webhook caller
 * sent) cannot start a line of its own and pass it off as another entry. The JSON route keeps
 * messages as they are.
 */
export function escapeLine(message: string): string {
  return message.replace(/[\\\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : '\\r'));
}

/** Logs of an execution: as JSON (Kestra's LogEntry list) and as a plain-text download. */
export function logRoutes(s: ServerContext): RouteSpec[] {
  const query = (ctx: Context): LogQuery | string => {
    const minLevel = typeof ctx.query.minLevel === 'string' ? ctx.query.minLevel.toUpperCase() : undefined;
    if (minLevel !== undefined && !(LOG_LEVELS as readonly string[]).includes(minLevel)) return `minLevel must be one of ${LOG_LEVELS.join(', ')}`;
    const pick = (name: string) => (typeof ctx.query[name] === 'string' ? { [name]: ctx.query[name] as string } : {});
    return { ...(minLevel ? { minLevel: minLevel as LogLevel } : {}), ...pick('taskId'), ...pick('taskRunId') };
  };
  /** The execution and the filters a logs route asks for; undefined once a 404 or 400 is answered. */
  const target = async (ctx: Context) => {
    const id = String(ctx.params.executionId);
    const execution = isId(id) ? await s.runtime.executions.get(id) : undefined;
    if (!execution) {
      problem(ctx, 404, `execution '${id}' not found`);
      return undefined;
    }
    const q = query(ctx);
    if (typeof q === 'string') {
      problem(ctx, 400, q, [{ path: 'minLevel', message: q }]);
      return undefined;
    }
    return { execution, query: q };
  };
  const load = async (ctx: Context) => {
    const found = await target(ctx);
    return found && { execution: found.execution, entries: await s.runtime.logs.list(found.execution.id, found.query) };
  };
  return [
    {
      method: 'get',
      path: '/logs/:executionId',
      handler: async (ctx) => {
        const found = await load(ctx);
        if (found) ctx.body = found.entries;
      },
    },
    {
      method: 'get',
      path: '/logs/:executionId/follow',
      handler: async (ctx) => {
        const found = await target(ctx);
        if (found) await followLogs(s, ctx, found.execution, found.query);
      },
    },
    {
      method: 'get',
      path: '/logs/:executionId/download',
      handler: async (ctx) => {
        const found = await load(ctx);
        if (!found) return;
        ctx.type = 'text/plain; charset=utf-8';
        ctx.attachment(`${found.execution.id}.log`);
        ctx.body = found.entries.map((e) => `${e.timestamp} ${e.level.padEnd(5)} ${e.taskId ?? '-'} ${escapeLine(e.message)}\n`).join('');
      },
    },
  ];
}
