import type { Runtime } from '@sluice/engine';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus metrics the server exposes on /metrics. */
export interface Metrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'route'>;
  readonly executionsCreated: Counter<'trigger'>;
  readonly executionsFinished: Counter<'state'>;
  readonly executionDuration: Histogram;
  readonly triggerErrors: Counter<'mode' | 'kind'>;
  readonly triggerRejected: Counter<'namespace' | 'flow' | 'trigger'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sluice_' });
  return {
    registry,
    httpRequests: new Counter({ name: 'sluice_http_requests_total', help: 'HTTP requests by route and status.', labelNames: ['method', 'route', 'status'], registers: [registry] }),
    httpDuration: new Histogram({ name: 'sluice_http_request_duration_seconds', help: 'HTTP request duration by route.', labelNames: ['route'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5], registers: [registry] }),
    executionsCreated: new Counter({ name: 'sluice_executions_created_total', help: 'Executions created, by trigger type (no flow names: a scraper need not learn them).', labelNames: ['trigger'], registers: [registry] }),
    executionsFinished: new Counter({ name: 'sluice_executions_finished_total', help: 'Executions finished by this process, by final state.', labelNames: ['state'], registers: [registry] }),
    triggerErrors: new Counter({ name: 'sluice_trigger_errors_total', help: 'Errors of poll and listen triggers run by this process: `failure` (a poll or listener that failed), `invalid` (an event its flow refused).', labelNames: ['mode', 'kind'], registers: [registry] }),
    triggerRejected: new Counter({
      name: 'sluice_trigger_rejected_total',
      help: 'Events poll and listen triggers run by this process received but could not turn into an execution (`ctx.reject`: a message that does not decode), by flow and trigger.',
      labelNames: ['namespace', 'flow', 'trigger'], registers: [registry],
    }),
    executionDuration: new Histogram({ name: 'sluice_execution_duration_seconds', help: 'Execution run time in the worker.', buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120], registers: [registry] }),
  };
}

/** The Prometheus text of `/metrics`: the registry, and the queue's job counts when the store answers. */
export async function metricsText(metrics: Metrics, runtime: Pick<Runtime, 'queue'>): Promise<string> {
  const counts = await runtime.queue.counts().catch(() => undefined);
  let body = await metrics.registry.metrics();
  if (counts) {
    body += '# HELP sluice_queue_jobs Jobs in the execution queue by state.\n# TYPE sluice_queue_jobs gauge\n';
    for (const [state, n] of Object.entries(counts)) body += `sluice_queue_jobs{state="${state}"} ${n}\n`;
  }
  return body;
}
