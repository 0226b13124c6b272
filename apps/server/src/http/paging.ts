import type { Context } from 'koa';

/** `page` (1-based) and `size` from the query, bounded so one call cannot ask for everything. */
export function paging(ctx: Context, defaultSize = 25): { page: number; size: number } {
  const page = Math.max(1, Math.trunc(Number(ctx.query.page ?? 1)) || 1);
  const size = Math.min(500, Math.max(1, Math.trunc(Number(ctx.query.size ?? defaultSize)) || defaultSize));
  return { page, size };
}
