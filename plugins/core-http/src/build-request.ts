import { durationMs } from '@sluice/core';
import { httpErrors } from './errors.js';
import type { HttpCall } from './http-call.js';
import { MAX_CONTENT_LENGTH, type RequestProps } from './request.schema.js';

/** Kestra's HttpConfiguration default for `readIdleTimeout`. */
const DEFAULT_READ_IDLE = 'PT5M';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const asText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** The request's URL: rendered, spaces sent as %20 (as Kestra does), http(s) only. */
export function parseUri(uri: string): URL {
  let url: URL;
  try {
    url = new URL(uri.replace(/ /g, '%20'));
  } catch {
    throw httpErrors.HTTP_INVALID_URI('not an absolute URL such as https://example.com/path');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw httpErrors.HTTP_INVALID_URI(`the scheme ${url.protocol} is not http: or https:`);
  return url;
}

function duration(text: string | undefined, name: string): { ms: number; text: string } | undefined {
  if (text === undefined) return undefined;
  const ms = durationMs(text);
  if (ms === undefined) throw httpErrors.HTTP_INVALID_PROPS(`${name} '${text}' is not an ISO-8601 duration such as PT30S`);
  return { ms, text };
}

function authorization(props: RequestProps): string | undefined {
  const options = props.options ?? {};
  const auth = options.auth ?? props.auth;
  if (auth?.type === 'BEARER') {
    if (auth.token === undefined) throw httpErrors.HTTP_INVALID_PROPS('auth of type BEARER needs a token');
    return `Bearer ${auth.token}`;
  }
  const user = auth?.type === 'BASIC' ? auth.username : options.basicAuthUser;
  const password = auth?.type === 'BASIC' ? auth.password : options.basicAuthPassword;
  if (auth === undefined && user === undefined && password === undefined) return undefined;
  // Kestra joins whatever it has, an absent part rendering as "null".
  return `Basic ${Buffer.from(`${user ?? 'null'}:${password ?? 'null'}`, 'utf8').toString('base64')}`;
}

/**
 * The body Kestra sends: form data when there is any (multipart when contentType says so, else
 * URL-encoded), else `body` with contentType as its Content-Type.
 */
function bodyOf(props: RequestProps, headers: Headers): HttpCall['body'] {
  const contentType = props.contentType ?? 'application/json';
  const form = props.formData ?? {};
  if (Object.keys(form).length > 0) {
    if (contentType.toLowerCase().startsWith('multipart/form-data')) {
      const data = new FormData();
      for (const [name, value] of Object.entries(form)) {
        const storage = (typeof value === 'string' && value.startsWith('kestra://')) || (isRecord(value) && 'content' in value && 'name' in value);
        if (storage) throw httpErrors.HTTP_STORAGE_UNSUPPORTED(name);
        data.append(name, asText(value));
      }
      // fetch writes the Content-Type with its boundary itself.
      return data;
    }
    return new URLSearchParams(Object.entries(form).map(([name, value]): [string, string] => [name, asText(value)]));
  }
  headers.set('content-type', contentType);
  return props.body === undefined ? undefined : asText(props.body);
}

/**
 * User info in the URL (`https://user:pass@host/`), which fetch refuses to send, becomes a Basic
 * Authorization header, as curl and browsers send it, unless the task sets its own; the URL
 * keeps no credentials, so neither outputs nor messages show them.
 */
function takeCredentials(url: URL): string | undefined {
  if (url.username === '' && url.password === '') return undefined;
  const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  url.username = '';
  url.password = '';
  return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
}

/** Turns the task's rendered props into one HTTP exchange. */
export function buildCall(props: RequestProps, signal: AbortSignal): HttpCall {
  const url = parseUri(props.uri);
  const fromUrl = takeCredentials(url);
  const method = props.method ?? 'GET';
  const options = props.options ?? {};
  const headers = new Headers();
  const body = bodyOf(props, headers);
  if ((method === 'GET' || method === 'HEAD') && body !== undefined) {
    throw httpErrors.HTTP_INVALID_PROPS(`a ${method} request cannot have a body or formData`);
  }
  const auth = authorization(props) ?? fromUrl;
  if (auth !== undefined) headers.set('authorization', auth);
  for (const [name, value] of Object.entries(props.headers ?? {})) {
    try {
      headers.set(name, String(value));
    } catch {
      // The Headers class quotes the value in its message; only the name is safe to show.
      throw httpErrors.HTTP_INVALID_PROPS(`header '${name}' has a name or value HTTP does not allow`);
    }
  }
  const connectTimeout = duration(options.timeout?.connectTimeout ?? options.connectTimeout, 'connectTimeout');
  const readIdleTimeout = duration(
    options.timeout?.readIdleTimeout ?? options.readIdleTimeout ?? options.readTimeout ?? DEFAULT_READ_IDLE,
    'readIdleTimeout',
  ) as { ms: number; text: string };
  return {
    url,
    method,
    headers,
    ...(body === undefined ? {} : { body }),
    followRedirects: options.followRedirects ?? true,
    ...(connectTimeout === undefined ? {} : { connectTimeout }),
    readIdleTimeout,
    maxBytes: options.maxContentLength ?? MAX_CONTENT_LENGTH,
    signal,
  };
}
