import { shellQuote, shellWord, type WordPart } from './shell-quote.js';

export type WebhookMethod = 'GET' | 'POST' | 'PUT';

/** One name/value row of a headers or query editor; rows with an empty name are left out. */
export interface Pair {
  readonly name: string;
  readonly value: string;
}

export interface WebhookCurlRequest {
  /** The webhook URL as parts: the key may be an environment variable when it comes from a secret. */
  readonly url: readonly WordPart[];
  readonly method: WebhookMethod;
  /** The body text sent for POST and PUT (JSON, already checked by the caller). */
  readonly body: string;
  readonly headers: readonly Pair[];
  readonly query: readonly Pair[];
}

/** `?a=1&b=2` with each name and value percent-encoded, or '' without parameters. */
export function queryString(query: readonly Pair[]): string {
  const used = query.filter((p) => p.name.trim() !== '');
  if (used.length === 0) return '';
  return `?${used.map((p) => `${encodeURIComponent(p.name.trim())}=${encodeURIComponent(p.value)}`).join('&')}`;
}

const continued = (lines: readonly string[]): string => lines.join(' \\\n  ');

/**
 * The exact curl command that calls a webhook: every part shell-quoted, so a payload with
 * quotes, `$`, newlines or emoji reaches the server byte for byte.
 */
export function webhookCurl(request: WebhookCurlRequest): string {
  const hasBody = request.method !== 'GET';
  const lines = [`curl -X ${request.method}`];
  const names = new Set(request.headers.map((h) => h.name.trim().toLowerCase()));
  if (hasBody && !names.has('content-type')) lines.push(`-H ${shellQuote('Content-Type: application/json')}`);
  for (const header of request.headers) {
    if (header.name.trim() === '') continue;
    lines.push(`-H ${shellQuote(`${header.name.trim()}: ${header.value}`)}`);
  }
  if (hasBody) lines.push(`--data-raw ${shellQuote(request.body)}`);
  lines.push(shellWord([...request.url, queryString(request.query)]));
  return continued(lines);
}

export interface ApiCurlRequest {
  /** The server's origin, e.g. `http://127.0.0.1:8080`. */
  readonly origin: string;
  readonly namespace: string;
  readonly flowId: string;
  /** Input values by name; empty values are left out, as the form leaves them out. */
  readonly inputs: Readonly<Record<string, unknown>>;
}

/**
 * The API call that starts a flow with its inputs. Credentials come from `$SLUICE_AUTH`
 * (`user:password`), so the command never holds the password.
 */
export function apiCurl(request: ApiCurlRequest): string {
  const url = `${request.origin}/api/v1/main/executions/${encodeURIComponent(request.namespace)}/${encodeURIComponent(request.flowId)}`;
  const inputs = Object.fromEntries(Object.entries(request.inputs).filter(([, v]) => v !== undefined && v !== ''));
  const lines = ['curl -u "$SLUICE_AUTH" -X POST'];
  if (Object.keys(inputs).length > 0) {
    lines.push(`-H ${shellQuote('Content-Type: application/json')}`);
    lines.push(`--data-raw ${shellQuote(JSON.stringify(inputs))}`);
  }
  lines.push(shellQuote(url));
  return continued(lines);
}

/**
 * Parses a JSON payload for the webhook composer: the parsed value, or the parser's message
 * so the editor can refuse it where it is typed.
 */
export function checkJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}
