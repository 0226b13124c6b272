import type { WebhookRequest } from '@sluice/core';

/**
 * What {@link webhookRequest} builds a request from. Give at most one of `json`, `text`, `bytes`.
 * @public
 */
export interface WebhookRequestOptions {
  /** `POST` when omitted. */
  readonly method?: string;
  /** The `{key}` segment of the URL. */
  readonly key: string;
  /** A value sent as JSON; sets `content-type: application/json` unless `headers` set one. */
  readonly json?: unknown;
  /** A text body, sent as UTF-8; no content type is added. */
  readonly text?: string;
  /** The exact body bytes. */
  readonly bytes?: Uint8Array;
  /** Headers; a string is one value, a list several. Names are lower-cased, as the host does. */
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  /** Query parameters; a string is one value, a list several. */
  readonly query?: Readonly<Record<string, string | readonly string[]>>;
}

const toList = (value: string | readonly string[]): string[] => (typeof value === 'string' ? [value] : [...value]);

/**
 * Builds a {@link WebhookRequest} the way the host hands one to a webhook trigger: the body as
 * exact bytes, header names lower-cased (values of names differing only in case merged in
 * order), every header and query value a list.
 *
 * @example
 * ```ts
 * webhookRequest({ key: 'abc', json: { hello: 'world' }, query: { age: ['12', '13'] } });
 * ```
 * @public
 */
export function webhookRequest(options: WebhookRequestOptions): WebhookRequest {
  const given = [options.json !== undefined, options.text !== undefined, options.bytes !== undefined].filter(Boolean).length;
  if (given > 1) throw new TypeError('webhookRequest: give at most one of json, text and bytes');

  const headers = new Map<string, string[]>();
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    const key = name.toLowerCase();
    headers.set(key, [...(headers.get(key) ?? []), ...toList(value)]);
  }
  let body = new Uint8Array(0);
  if (options.json !== undefined) {
    body = new TextEncoder().encode(JSON.stringify(options.json));
    if (!headers.has('content-type')) headers.set('content-type', ['application/json']);
  } else if (options.text !== undefined) {
    body = new TextEncoder().encode(options.text);
  } else if (options.bytes !== undefined) {
    body = new Uint8Array(options.bytes);
  }
  return {
    method: options.method ?? 'POST',
    key: options.key,
    headers: Object.fromEntries(headers),
    query: Object.fromEntries(Object.entries(options.query ?? {}).map(([name, value]) => [name, toList(value)])),
    body,
  };
}
