import Router from '@koa/router';
import type { Context } from 'koa';

/** Tenant of the open-source edition, as in Kestra. Tenant-less paths are aliases of it. */
export const TENANT = 'main';

export type Handler = (ctx: Context) => Promise<void> | void;

export interface RouteSpec {
  readonly method: 'get' | 'post' | 'put' | 'delete';
  /** Path under `/api/v1/main` (and its tenant-less alias `/api/v1`), e.g. `/flows/:namespace/:id`. */
  readonly path: string;
  readonly handler: Handler;
  /** Reachable without credentials. Decided per route, never by a path prefix. */
  readonly public?: boolean;
}

/**
 * One strict, case-sensitive router (a trailing slash or another case is another path) holding every API route twice: under
 * `/api/v1/main` and under the tenant-less `/api/v1`, as Kestra's TenantAliasingRooter does.
 * Registering plain paths, rather than nesting routers, keeps strict matching (nested
 * @koa/router instances drop it) and lets the auth middleware ask the router which route a
 * request will reach.
 */
export function createApiRouter(routes: readonly RouteSpec[], extra: readonly RouteSpec[] = []): { router: Router; publicRouter: Router } {
  // Case-sensitive as well, as Kestra's routes are: matched case-insensitively, `/API/v1/...`
  // reached every route while the auth middleware, which asks for credentials under `/api/`,
  // let it through unauthenticated.
  const router = new Router({ strict: true, sensitive: true });
  const publicRouter = new Router({ strict: true, sensitive: true });
  for (const route of layersOf(routes)) {
    for (const prefix of [`/api/v1/${TENANT}`, '/api/v1']) {
      router.register(`${prefix}${route.path}`, route.methods, route.handler);
      if (route.public) publicRouter.register(`${prefix}${route.path}`, route.methods, route.handler);
    }
  }
  // Routes outside /api/v1 (health, metrics) are registered as written.
  for (const route of layersOf(extra)) {
    router.register(route.path, route.methods, route.handler);
    if (route.public) publicRouter.register(route.path, route.methods, route.handler);
  }
  return { router, publicRouter };
}

/**
 * Neighbouring routes with the same path, handler and visibility as one route with all their
 * methods. The router tests every route's regular expression against every request (a public
 * route's twice: the auth middleware asks first), so the webhook's GET, POST and PUT as one
 * route cost a third. Only neighbours are joined: the order routes are matched in stays.
 */
export function layersOf(routes: readonly RouteSpec[]): { path: string; methods: string[]; handler: Handler; public: boolean }[] {
  const layers: { path: string; methods: string[]; handler: Handler; public: boolean }[] = [];
  for (const route of routes) {
    const last = layers.at(-1);
    if (last && last.path === route.path && last.handler === route.handler && last.public === (route.public ?? false)) last.methods.push(route.method);
    else layers.push({ path: route.path, methods: [route.method], handler: route.handler, public: route.public ?? false });
  }
  return layers;
}
