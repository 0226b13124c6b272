import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createFlow, waitForEnd, webhook, type ExecutionJson, type ProblemJson } from './support/api.js';
import { eventually, startServer, uniquePrefix, type ServerProcess } from './support/server-process.js';
import { freePort, startRedis, type ThrowawayRedis } from './support/throwaway-redis.js';

// A Redis of its own, killed under a running server: webhooks answer 503 with Retry-After at
// once (nothing was acknowledged, the caller retries), liveness stays up, readiness goes down,
// and everything heals when Redis is back, without restarting the server.

const flow = `id: outage
namespace: e2e.outage
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: "still here"
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: outage-key-0123456789
  - id: waiting
    type: io.kestra.plugin.core.trigger.Webhook
    key: outage-wait-key-0123456789
    wait: true
`;

describe('Redis goes away under a running server (bullmq runtime)', () => {
  let redis: ThrowawayRedis | undefined;
  let server: ServerProcess | undefined;
  let port: number;

  const call = (key = 'outage-key-0123456789') => webhook(server!.url, 'e2e.outage', 'outage', key, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
  const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
    const started = performance.now();
    const value = await fn();
    return [value, performance.now() - started];
  };

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    server = await startServer(['server', 'standalone'], { REDIS_URL: redis.url, SLUICE_REDIS_PREFIX: uniquePrefix('outage'), SLUICE_SHUTDOWN_GRACE_MS: '500' });
    await createFlow(server.url, flow);
  });
  afterAll(async () => {
    await server?.stop();
    await redis?.stop();
  });

  it('503 with Retry-After at once while Redis is down; liveness 200, readiness 503; healed when it is back', async () => {
    const before = await call();
    expect(before.status).toBe(200);
    expect((await waitForEnd(server!.url, ((await before.json()) as ExecutionJson).id)).state.current).toBe('SUCCESS');

    await redis!.stop('SIGKILL');
    redis = undefined;

    // Every call while it is down: 503 with Retry-After, well under a second each.
    for (const key of ['outage-key-0123456789', 'outage-key-0123456789', 'outage-key-0123456789', 'outage-wait-key-0123456789', 'outage-wait-key-0123456789']) {
      const [res, ms] = await timed(() => call(key));
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(((await res.json()) as ProblemJson).status).toBe(503);
      expect(ms).toBeLessThan(750);
    }
    // The API answers 503 as quickly (basic auth is checked first, the store read fails fast).
    const [search, searchMs] = await timed(() => api(server!.url, '/api/v1/main/executions/search'));
    expect(search.status).toBe(503);
    expect(search.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(searchMs).toBeLessThan(750);
    const [live, liveMs] = await timed(() => fetch(`${server!.url}/health/live`, { signal: AbortSignal.timeout(5000) }));
    expect(live.status).toBe(200);
    expect(liveMs).toBeLessThan(750);
    const [ready, readyMs] = await timed(() => fetch(`${server!.url}/health/ready`, { signal: AbortSignal.timeout(5000) }));
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks.store).toBe('DOWN');
    expect(readyMs).toBeLessThan(750);
    expect(server!.child.exitCode).toBeNull();

    // Back on the same port, empty (no persistence): the server reconnects by itself.
    redis = await startRedis(port);
    await eventually(async () => ((await fetch(`${server!.url}/health/ready`)).status === 200 ? true : undefined), 15_000, 200);
    // The old Redis took the flow with it; the API stores it again.
    await createFlow(server!.url, flow);
    const after = await call();
    expect(after.status).toBe(200);
    const waited = await call('outage-wait-key-0123456789');
    expect(waited.status).toBe(200);
    expect(((await waited.json()) as ExecutionJson).state.current).toBe('SUCCESS');
    // The worker's connection healed too: the new execution runs.
    expect((await waitForEnd(server!.url, ((await after.json()) as ExecutionJson).id, 15_000)).state.current).toBe('SUCCESS');
    expect(server!.child.exitCode).toBeNull();
  });
});
