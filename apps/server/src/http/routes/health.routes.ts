import { metricsText } from '../../metrics.js';
import type { ServerContext } from '../../server-context.js';
import type { RouteSpec } from '../api-router.js';

/**
 * `/ping` as Kestra has it; liveness (the process answers) apart from readiness (the store
 * answers and, where this process runs a worker, it is consuming), so an orchestrator restarts
 * a stuck process but only stops routing to one whose Redis is away; Prometheus `/metrics`,
 * behind the API's credentials: its per-route and per-status counts (401 and 429 included) tell
 * an outsider how the server is used and attacked. `SLUICE_MANAGEMENT_PORT` serves it without
 * credentials on a port of its own, for a scraper on a private network.
 */
export function healthRoutes(s: ServerContext): RouteSpec[] {
  return [
    { method: 'get', path: '/ping', public: true, handler: (ctx) => { ctx.body = 'pong'; } },
    { method: 'get', path: '/health/live', public: true, handler: (ctx) => { ctx.body = { status: 'UP' }; } },
    {
      method: 'get',
      path: '/health/ready',
      public: true,
      handler: async (ctx) => {
        const { up, body } = await readiness(s);
        ctx.status = up ? 200 : 503;
        ctx.body = body;
      },
    },
    {
      method: 'get',
      path: '/metrics',
      handler: async (ctx) => {
        ctx.type = s.metrics.registry.contentType;
        ctx.body = await metricsText(s.metrics, s.runtime);
      },
    },
  ];
}

/** The readiness verdict and its body, for the API port and the management port alike. */
export async function readiness(s: Pick<ServerContext, 'runtime' | 'workerHealthy' | 'shuttingDown'>): Promise<{ up: boolean; body: unknown }> {
  const checks: Record<string, string> = {};
  try {
    await s.runtime.ping();
    checks.store = 'UP';
  } catch {
    checks.store = 'DOWN';
  }
  if (s.workerHealthy) checks.worker = s.workerHealthy() ? 'UP' : 'DOWN';
  if (s.shuttingDown) checks.shutdown = 'DOWN';
  const up = Object.values(checks).every((v) => v === 'UP');
  return { up, body: { status: up ? 'UP' : 'DOWN', checks, runtime: s.runtime.name } };
}
