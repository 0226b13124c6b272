import type { Context } from 'koa';

/** One field-level problem: a path such as `tasks[0].message`, with a position for YAML. */
export interface ProblemError {
  readonly path: string;
  readonly message: string;
  readonly code?: string;
  readonly line?: number;
  readonly column?: number;
}

const TITLES: Readonly<Record<number, [slug: string, title: string]>> = {
  400: ['bad-request', 'Bad Request'],
  401: ['unauthenticated', 'Unauthorized'],
  403: ['forbidden', 'Forbidden'],
  404: ['not-found', 'Not Found'],
  405: ['method-not-allowed', 'Method Not Allowed'],
  409: ['conflict', 'Conflict'],
  413: ['payload-too-large', 'Payload Too Large'],
  415: ['unsupported-media-type', 'Unsupported Media Type'],
  422: ['validation-failed', 'Unprocessable Entity'],
  429: ['too-many-requests', 'Too Many Requests'],
  500: ['internal-error', 'Internal Server Error'],
  503: ['service-unavailable', 'Service Unavailable'],
  504: ['timeout', 'Gateway Timeout'],
};

/**
 * Answers with an RFC 9457 problem body, the shape Kestra 2.0 uses, plus a `message` field as
 * Kestra 1.x clients read it (`"Not Found: Flow not found"`), and `extra` fields of the case.
 */
export function problem(ctx: Context, status: number, detail: string, errors?: readonly ProblemError[], code?: string, extra?: Readonly<Record<string, unknown>>): void {
  const [slug, title] = TITLES[status] ?? ['error', 'Error'];
  ctx.status = status;
  ctx.type = 'application/problem+json';
  ctx.body = {
    type: `https://sluice.dev/problems/${slug}`,
    title,
    status,
    detail,
    message: `${title}: ${detail}`,
    // A route may name itself with a secret part masked (the webhook's key): see maskedInstance.
    instance: instanceOf(ctx),
    ...(code ? { code } : {}),
    ...(errors && errors.length > 0 ? { errors } : {}),
    // Fields a client acts on, e.g. the two revisions of a conflict.
    ...extra,
  };
}

/**
 * Makes the problem bodies of this request name `instance(path)` instead of the path, for paths
 * that carry a secret: the webhook's key must not be echoed in answers that proxies and clients
 * log. A function of the path, called only when a problem is written: the webhook's success,
 * the common answer, makes no masked copy of its path.
 */
export function maskedInstance(ctx: Context, instance: (path: string) => string): void {
  ctx.state.instance = instance;
}

/** The path a problem body names: masked when the route asked for it. */
function instanceOf(ctx: Context): string {
  const instance: unknown = ctx.state?.instance;
  return typeof instance === 'function' ? (instance as (path: string) => string)(ctx.path) : ctx.path;
}
