import { Redis } from 'ioredis';
import { expect } from 'vitest';
import { REDIS_URL, auth, eventually } from './server-process.js';

/** The execution JSON the API returns, as far as these tests read it. */
export interface ExecutionJson {
  id: string;
  namespace: string;
  flowId: string;
  flowRevision: number;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  labels?: { key: string; value: string }[];
  url?: string;
  state: { current: string; histories: { state: string; date: string }[] };
  trigger?: { id: string; type: string; variables: { body: unknown; headers: Record<string, string[]>; parameters: Record<string, string[]> } };
  taskRunList?: { taskId: string; state: { current: string } }[];
}

/** A problem body (RFC 9457, plus Kestra 1.x's `message`). */
export interface ProblemJson {
  type: string;
  title: string;
  status: number;
  detail: string;
  message: string;
  errors?: { path: string; message: string; line?: number; column?: number }[];
}

export const TERMINAL = ['SUCCESS', 'FAILED', 'WARNING', 'KILLED', 'CANCELLED'];

/** Calls the API of `base` with basic auth. */
export function api(base: string, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${base}${path}`, { ...init, headers: { ...auth, ...(init.headers as Record<string, string> | undefined) }, signal: init.signal ?? AbortSignal.timeout(15_000) });
}

/** Creates a flow from YAML and expects 200; returns the flow JSON. */
export async function createFlow(base: string, yaml: string): Promise<{ id: string; namespace: string; revision: number; source: string }> {
  const res = await api(base, '/api/v1/main/flows', { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: yaml });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as { id: string; namespace: string; revision: number; source: string };
}

/** Calls a webhook (no credentials: the key is the secret). */
export function webhook(base: string, namespace: string, flowId: string, key: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${base}/api/v1/main/executions/webhook/${namespace}/${flowId}/${key}`, { ...init, signal: init.signal ?? AbortSignal.timeout(15_000) });
}

/** A JSON POST to a webhook. */
export function postJson(base: string, namespace: string, flowId: string, key: string, body: unknown): Promise<Response> {
  return webhook(base, namespace, flowId, key, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

export async function getExecution(base: string, id: string): Promise<ExecutionJson> {
  const res = await api(base, `/api/v1/main/executions/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as ExecutionJson;
}

/** Waits (bounded) for an execution to reach a terminal state and returns it. */
export function waitForEnd(base: string, id: string, timeoutMs = 10_000): Promise<ExecutionJson> {
  return eventually(async () => {
    const execution = await getExecution(base, id);
    return TERMINAL.includes(execution.state.current) ? execution : undefined;
  }, timeoutMs);
}

/**
 * Every path in `value` whose value is null, except under the listed paths (user data such as
 * `trigger.variables`, where a null is a value someone sent).
 */
export function nullPaths(value: unknown, skip: readonly string[] = [], path = ''): string[] {
  if (skip.includes(path)) return [];
  if (value === null) return [path || '(root)'];
  if (Array.isArray(value)) return value.flatMap((item, i) => nullPaths(item, skip, `${path}[${i}]`));
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => nullPaths(v, skip, path ? `${path}.${k}` : k));
  }
  return [];
}

/** Deletes every Redis key under `prefix` (SCAN, never FLUSH: the Redis is shared). */
export async function deleteKeys(prefix: string, url = REDIS_URL): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    redis.disconnect();
  }
}

/** Counts the Redis keys under `prefix`. */
export async function countKeys(prefix: string, url = REDIS_URL): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let count = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      count += keys.length;
    } while (cursor !== '0');
    return count;
  } finally {
    redis.disconnect();
  }
}
