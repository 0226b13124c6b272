import { createServer, type Server } from 'node:http';
import { metricsText } from '../metrics.js';
import type { ServerContext } from '../server-context.js';

/**
 * The management port (`SLUICE_MANAGEMENT_PORT`): `/metrics` without credentials, for a
 * Prometheus scraper on a private network, so the API's credentials need not be handed to it.
 * A plain Node handler rather than the Koa app: no API route, no auth, nothing else reachable.
 * Keep the port off the public network: it answers whoever reaches it.
 */
export function createManagementServer(s: Pick<ServerContext, 'metrics' | 'runtime'>): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'the management port serves GET /metrics only' }));
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
