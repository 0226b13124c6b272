import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the test server saw of one request. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

type Handler = (request: SeenRequest, response: ServerResponse) => void;

/** Answers a body with no Content-Length that never ends: only the client's size limit stops it. */
export function endlessBody(contentType: string): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': contentType });
    const chunk = 'y'.repeat(16 * 1024);
    const write = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', write);
    };
    write();
  };
}

/**
 * A local HTTP server on 127.0.0.1 and a free port, for the tests: it answers the routes the
 * examples use like the public test API they name, and each test can add its own. Every request
 * it reads is kept in `seen`.
 */
export async function startTestServer(extra: Readonly<Record<string, Handler>> = {}): Promise<{
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}> {
  const seen: SeenRequest[] = [];
  const json = (response: ServerResponse, status: number, value: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(value));
  };
  const routes: Record<string, Handler> = {
    'GET /products/1': (_req, res) => json(res, 200, { id: 1, title: 'Kestra Pen' }),
    'GET /products/0': (_req, res) => json(res, 404, { message: "Product with id '0' not found" }),
    'POST /products/add': (req, res) => json(res, 201, { id: 101, ...(JSON.parse(req.body) as object) }),
    'GET /user/me': (req, res) =>
      req.headers.authorization === 'Bearer t0ken-for-tests' ? json(res, 200, { id: 1, username: 'emilys' }) : json(res, 401, { message: 'Invalid token' }),
    'POST /auth/login': (req, res) => {
      const form = new URLSearchParams(req.body);
      const ok = req.headers['content-type']?.startsWith('application/x-www-form-urlencoded') && form.get('username') === 'emilys';
      json(res, ok ? 200 : 400, { username: form.get('username') });
    },
    // The Download examples' files.
    'GET /csv/orders.csv': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.end('order_id,customer_name,total\n1,Kestra,10\n2,Sluice,20\n');
    },
    'GET /reports/today': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '0' });
      res.end();
    },
    ...extra,
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const request: SeenRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(request);
      const handler = routes[`${request.method} ${path}`];
      if (handler) handler(request, res);
      else json(res, 404, { message: 'no such route' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
