import { httpErrors } from './errors.js';

/** One HTTP exchange, as the Request task decided it. */
export interface HttpCall {
  readonly url: URL;
  readonly method: string;
  readonly headers: Headers;
  readonly body?: string | FormData | URLSearchParams;
  readonly followRedirects: boolean;
  /** Until the response's status line and headers arrive; none when undefined. */
  readonly connectTimeout?: { readonly ms: number; readonly text: string };
  /** Longest silence, before or during the body. */
  readonly readIdleTimeout: { readonly ms: number; readonly text: string };
  /** Largest body kept, in bytes. */
  readonly maxBytes: number;
  /** The task's signal: a timeout, a kill or a shutdown aborts the request. */
  readonly signal: AbortSignal;
}

/** What came back. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string[]>;
  /** The body as text; undefined when the response has none. */
  readonly body?: string;
}

/**
 * Where a request went, for messages: scheme, host and path. The query and any user info are
 * left out, since they often carry keys (`?api_key={{ secret('K') }}`).
 */
export function describeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

// Node's fetch (undici) reports a network failure as TypeError('fetch failed') with the system
// error as its cause; its code says what went wrong in terms a person can act on.
const CAUSES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'the connection was refused (nothing listens on that port)',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved (DNS unavailable)',
  ECONNRESET: 'the connection was reset by the server',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_SOCKET: 'the connection was closed by the server',
  UND_ERR_HEADERS_OVERFLOW: 'the response headers are too large',
};

function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  if (code !== undefined) return CAUSES[code] ?? `${code}${typeof cause?.message === 'string' ? ` (${cause.message})` : ''}`;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** Response headers as Kestra gives them: lower-case names, a list of values each. */
function headersOf(response: Response): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of response.headers) {
    if (name === 'set-cookie') continue;
    out[name] = [value];
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) out['set-cookie'] = cookies;
  return out;
}

/** A timer that can be pushed back; it aborts `controller` with `reason` when it runs out. */
function idleTimer(ms: number, controller: AbortController, reason: () => Error) {
  let timer = setTimeout(() => controller.abort(reason()), ms);
  return {
    touch() {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(reason()), ms);
    },
    stop: () => clearTimeout(timer),
  };
}

const NO_BODY_STATUS = new Set([204, 205, 304]);

/** What a response's body handler gets: the body, a way to say data arrived, and where it came from. */
export interface BodyReader<T> {
  (body: ReadableStream<Uint8Array>, answer: { readonly status: number; readonly headers: Record<string, string[]>; readonly touch: () => void; readonly where: string }): Promise<T>;
}

/**
 * Makes the request with Node's fetch and hands the body to `readBody` within the limits: the
 * connect and idle timeouts (`touch` pushes the idle one back), the declared Content-Length
 * against `maxBytes`, and the task's signal. A failure while the body is read is reported as the
 * limit or signal that caused it. The body is absent for HEAD, 204, 205 and 304.
 */
export async function exchange<T>(call: HttpCall, readBody: BodyReader<T>): Promise<{ status: number; headers: Record<string, string[]>; body?: T }> {
  const where = describeUrl(call.url);
  const limits = new AbortController();
  const signal = AbortSignal.any([call.signal, limits.signal]);
  const idle = idleTimer(call.readIdleTimeout.ms, limits, () => httpErrors.HTTP_READ_TIMEOUT(where, call.readIdleTimeout.text, { retryable: true }));
  const connect = call.connectTimeout === undefined
    ? undefined
    : setTimeout(() => limits.abort(httpErrors.HTTP_CONNECT_TIMEOUT(where, call.connectTimeout?.text ?? '', { retryable: true })), call.connectTimeout.ms);

  // Whichever signal fired says why: the task's own (timeout, kill, shutdown) goes up as is.
  const failure = (error: unknown): unknown => {
    if (call.signal.aborted) return call.signal.reason;
    if (limits.signal.aborted) return limits.signal.reason;
    return error;
  };

  try {
    let response: Response;
    try {
      response = await fetch(call.url, {
        method: call.method,
        headers: call.headers,
        ...(call.body === undefined ? {} : { body: call.body }),
        redirect: call.followRedirects ? 'follow' : 'manual',
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw failure(error);
      throw httpErrors.HTTP_UNREACHABLE(where, networkCause(error), { retryable: true, cause: error });
    } finally {
      clearTimeout(connect);
    }
    idle.touch();
    const headers = headersOf(response);
    if (response.body === null || call.method === 'HEAD' || NO_BODY_STATUS.has(response.status)) {
      await response.body?.cancel().catch(() => undefined);
      return { status: response.status, headers };
    }
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > call.maxBytes) {
      await response.body.cancel().catch(() => undefined);
      throw httpErrors.HTTP_BODY_TOO_LARGE(where, call.maxBytes);
    }
    const stream = response.body;
    const body = await readBody(stream, { status: response.status, headers, touch: () => idle.touch(), where }).catch(async (error: unknown) => {
      await stream.cancel().catch(() => undefined);
      throw failure(error);
    });
    return { status: response.status, headers, body };
  } finally {
    idle.stop();
    clearTimeout(connect);
  }
}

/** Makes the request and reads the whole body as UTF-8 text, at most `maxBytes` (an endless body stops at the limit). */
export async function callHttp(call: HttpCall): Promise<HttpAnswer> {
  return exchange(call, (body, { touch, where }) => readText(body, call.maxBytes, touch, where));
}

/**
 * The body's chunks as they arrive, each one pushing the idle timeout back, failing with
 * `HTTP_BODY_TOO_LARGE` past `maxBytes`: what a download streams to storage.
 */
export async function* limitedChunks(stream: ReadableStream<Uint8Array>, maxBytes: number, touch: () => void, where: string): AsyncIterable<Uint8Array> {
  const reader = stream.getReader();
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      touch();
      size += value.byteLength;
      if (size > maxBytes) throw httpErrors.HTTP_BODY_TOO_LARGE(where, maxBytes);
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

async function readText(stream: ReadableStream<Uint8Array>, maxBytes: number, onData: () => void, where: string): Promise<string> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      onData();
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw httpErrors.HTTP_BODY_TOO_LARGE(where, maxBytes);
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw httpErrors.HTTP_BODY_NOT_TEXT(where);
  }
}
