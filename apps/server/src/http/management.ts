import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerContext } from '../server-context.js';
import { readiness } from './routes/health.routes.js';

/** A running management listener. */
export interface Management {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The management port (`SLUICE_MANAGEMENT_PORT`): `/health/live` and `/health/ready` on a port
 * of their own, for an orchestrator's probes. It is how a worker process (`sluice worker`),
 * which serves no API, reports its health; the other roles serve it too, with the same answers
 * as their API port. Plain `node:http`, no routing, no auth: it says only UP or DOWN, and should
 * be reachable by the orchestrator alone (bind it with `HOST` or a network policy).
 */
export async function startManagement(s: ServerContext, port: number, host: string): Promise<Management> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      send(405, { status: 405, title: 'Method Not Allowed' });
    } else if (path === '/health/live') {
      send(200, { status: 'UP' });
    } else if (path === '/health/ready') {
      readiness(s).then(({ up, body }) => send(up ? 200 : 503, body), () => send(503, { status: 'DOWN' }));
    } else {
      send(404, { status: 404, title: 'Not Found', detail: 'the management port serves /health/live and /health/ready' });
    }
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    close: () => new Promise<void>((ok) => {
      server.close(() => ok());
      server.closeAllConnections();
    }),
  };
}
