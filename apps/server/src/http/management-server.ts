import { createServer, type Server } from 'node:http';
import { metricsText } from '../metrics.js';
import type { ServerContext } from '../server-context.js';
import { readiness } from './routes/health.routes.js';

/**
 * The management port (`SLUICE_MANAGEMENT_PORT`): `/metrics` without credentials, for a
 * Prometheus scraper on a private network, so the API's credentials need not be handed to it;
 * and `/health/live` and `/health/ready`, the main port's probes, which is how a worker process
 * (`sluice worker`, no API) reports its health. A plain Node handler rather than the Koa app: no
 * API route, no auth, nothing else reachable. Keep the port off the public network: it answers
 * whoever reaches it.
 */
export function createManagementServer(s: Pick<ServerContext, 'metrics' | 'runtime' | 'workerHealthy' | 'shuttingDown'>): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const read = req.method === 'GET' || req.method === 'HEAD';
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify(body));
    };
    if (read && path === '/health/live') {
      json(200, { status: 'UP' });
      return;
    }
    if (read && path === '/health/ready') {
      readiness(s).then(({ up, body }) => json(up ? 200 : 503, body), () => json(503, { status: 'DOWN' }));
      return;
    }
    if (path !== '/metrics' || !read) {
      res.writeHead(404, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'the management port serves GET /metrics, /health/live and /health/ready only' }));
      return;
    }
    metricsText(s.metrics, s.runtime).then(
      (text) => {
        res.writeHead(200, { 'content-type': s.metrics.registry.contentType });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      () => {
        res.writeHead(500, { 'content-type': 'application/problem+json' });
        res.end(JSON.stringify({ type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'metrics could not be collected' }));
      },
    );
  });
}
