import { isSluiceError } from '@sluice/core';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { BodyTooLargeError, ClientAbortedError, lingerOnClose } from './raw-body.js';
import { problem } from './problem.js';

/**
 * Turns whatever a route throws into a problem body: 413 for a body past the limit, 503 with
 * Retry-After when the store is unreachable (the caller should retry, nothing was
 * acknowledged), 500 otherwise, logged with a request id but never with the request's body.
 */
export function errorsMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        // The rest of the body stays unread; closing the connection is the only way to be rid of it.
        ctx.set('Connection', 'close');
        lingerOnClose(ctx.req.socket);
        problem(ctx, 413, `request body is larger than ${error.limit} bytes`);
        return;
      }
      if (error instanceof ClientAbortedError) {
        // No stack and no error object: the client left, the server is fine (see ClientAbortedError).
        logger.debug({ method: ctx.method, route: ctx._matchedRoute }, error.message);
        ctx.status = 400;
        return;
      }
      if (isSluiceError(error, 'RUNTIME_UNAVAILABLE')) {
        ctx.set('Retry-After', '5');
        problem(ctx, 503, 'the store is unavailable; retry later', undefined, error.code);
        return;
      }
      logger.error({ err: error, method: ctx.method, route: ctx._matchedRoute }, 'request failed');
      problem(ctx, 500, 'internal error', undefined, isSluiceError(error) ? error.code : undefined);
    }
  };
}
