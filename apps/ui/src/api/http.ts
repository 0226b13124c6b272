/** A failed API call, carrying the problem body's message, field errors, and the body itself. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: readonly FieldError[] = [],
    /** The problem body as answered (its `code`, and fields of the case such as a conflict's revisions). */
    readonly problem: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }

  /** The problem's stable code (`FLOW_REVISION_CONFLICT`), when it has one. */
  get code(): string | undefined {
    return typeof this.problem.code === 'string' ? this.problem.code : undefined;
  }
}

/** One field-level problem as the API reports it: a path, and a line and column for YAML. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

let csrfToken: string | undefined;
let onUnauthenticated: (() => void) | undefined;

/** The token every unsafe request carries, from login or /me. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** What to do when a call answers 401: the app sends the person to the login page. */
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

/** The human message of a problem body, never `[object Object]`. */
export function messageOf(body: unknown, status: number): string {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    for (const field of ['detail', 'message', 'title']) if (typeof b[field] === 'string' && b[field]) return b[field] as string;
  }
  if (typeof body === 'string' && body.trim() !== '') return body.trim().slice(0, 300);
  return `the server answered ${status}`;
}

export interface RequestOptions {
  readonly method?: string;
  readonly json?: unknown;
  readonly text?: string;
  readonly contentType?: string;
  /** Leave a 401 to the caller instead of going to the login page (the login form itself). */
  readonly quiet401?: boolean;
  /** More request headers (`If-Match`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Calls the API on this origin with the session cookie. Every call says it comes from the UI
 * (so the server never asks the browser for Basic credentials), and unsafe ones carry the CSRF
 * token. Problems become an ApiError with their message.
 */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { ...options.headers, 'X-Requested-With': 'sluice-ui', Accept: 'application/json' };
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.text !== undefined) {
    headers['Content-Type'] = options.contentType ?? 'application/x-yaml';
    body = options.text;
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body, credentials: 'same-origin' });
  } catch (error) {
    throw new ApiError(0, `the server cannot be reached (${(error as Error).message})`);
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  if (!response.ok) {
    if (response.status === 401 && !options.quiet401) onUnauthenticated?.();
    const errors = parsed && typeof parsed === 'object' && Array.isArray((parsed as { errors?: unknown }).errors) ? ((parsed as { errors: FieldError[] }).errors) : [];
    const problem = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    throw new ApiError(response.status, messageOf(parsed, response.status), errors, problem);
  }
  return parsed as T;
}

/** The tenant-scoped API root, as Kestra's URLs have it. */
export const API_ROOT = '/api/v1/main';
export const API = API_ROOT;

/** Encodes each path segment. */
export const seg = (...parts: readonly string[]): string => parts.map(encodeURIComponent).join('/');
