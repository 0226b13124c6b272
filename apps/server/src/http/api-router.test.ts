import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { describe, expect, it } from 'vitest';
import { createApiRouter, layersOf, type Handler, type RouteSpec } from './api-router.js';

const answer = (text: string): Handler => (ctx) => {
  ctx.body = text;
};

/** Answers of a Koa app serving `routes` through the router, as app.ts mounts it. */
async function withApp(routes: readonly RouteSpec[], run: (url: string) => Promise<void>): Promise<void> {
  const { router } = createApiRouter(routes);
  const app = new Koa();
  app.use(router.routes());
  app.use(router.allowedMethods());
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.close();
  }
}

describe('api router', () => {
  it('joins neighbouring methods of one path and handler into one route, and only neighbours', () => {
    const a = answer('a');
    const b = answer('b');
    const layers = layersOf([
      { method: 'get', path: '/x', handler: a, public: true },
      { method: 'post', path: '/x', handler: a, public: true },
      { method: 'put', path: '/x', handler: b, public: true },
      { method: 'delete', path: '/x', handler: b },
      { method: 'get', path: '/y', handler: a },
      { method: 'put', path: '/x', handler: a, public: true },
    ]);
    expect(layers.map((l) => [l.path, l.methods.join(','), l.public])).toEqual([
      ['/x', 'get,post', true], ['/x', 'put', true], ['/x', 'delete', false], ['/y', 'get', false], ['/x', 'put', true],
    ]);
  });

  it('answers each joined method, HEAD with GET, and 405 with every allowed method for another', async () => {
    const hook = answer('hook');
    const routes = (['get', 'post', 'put'] as const).map((method) => ({ method, path: '/hook/:key', handler: hook, public: true }));
    const { publicRouter } = createApiRouter(routes);
    // One route per prefix: the router tests each route's expression once per request.
    expect(publicRouter.stack).toHaveLength(2);
    await withApp(routes, async (url) => {
      for (const method of ['GET', 'POST', 'PUT']) {
        const res = await fetch(`${url}/api/v1/main/hook/k`, { method });
        expect([method, res.status, await res.text()]).toEqual([method, 200, 'hook']);
      }
      expect((await fetch(`${url}/api/v1/hook/k`, { method: 'HEAD' })).status).toBe(200);
      const refused = await fetch(`${url}/api/v1/hook/k`, { method: 'DELETE' });
      expect(refused.status).toBe(405);
      expect(refused.headers.get('allow')).toBe('HEAD, GET, POST, PUT');
    });
  });
});
