import type { IncomingMessage } from 'node:http';

/**
 * Header values by lower-cased name, every value kept in order (Kestra exposes
 * `trigger.headers['x-name'][0]`). Null-prototype maps, so a header or parameter named
 * `__proto__` is data like any other name.
 */
export function headersOf(req: IncomingMessage): Record<string, string[]> {
  const out = Object.create(null) as Record<string, string[]>;
  for (const [name, values] of Object.entries(req.headersDistinct)) if (values) out[name] = values;
  return out;
}

/** Query string parameters, each with all its values (`?a=1&a=2` gives `a: ['1', '2']`). */
export function queryOf(querystring: string): Record<string, string[]> {
  const out = Object.create(null) as Record<string, string[]>;
  for (const [name, value] of new URLSearchParams(querystring)) (out[name] ??= []).push(value);
  return out;
}

const NAMESPACE = /^[a-z0-9][a-z0-9._-]{0,149}$/;
const FLOW_ID = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,99}$/;

/** True when a namespace and flow id could name a flow: anything else is answered 404 at once. */
export function isFlowAddress(namespace: string, flowId: string): boolean {
  return NAMESPACE.test(namespace) && FLOW_ID.test(flowId);
}
