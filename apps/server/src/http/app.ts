import Koa from 'koa';
import type { Credentials } from '../auth/credentials.js';
import { createFailureLimiter } from '../auth/failure-limiter.js';
import { createSessions } from '../auth/sessions.js';
import type { ServerContext } from '../server-context.js';
import { createApiRouter } from './api-router.js';
import { authenticate, type Auth } from './auth.middleware.js';
import { ownOrigin } from './browser-requests.js';
import { answersMiddleware } from './answers.middleware.js';
import { errorsMiddleware } from './errors.middleware.js';
import { executionControlRoutes } from './routes/execution-control.routes.js';
import { executionRoutes } from './routes/executions.routes.js';
import { executionFileRoutes } from './routes/execution-files.routes.js';
import { executionResumeRoutes } from './routes/execution-resume.routes.js';
import { flowRoutes } from './routes/flows.routes.js';
import { triggerRoutes } from './routes/triggers.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { logRoutes } from './routes/logs.routes.js';
import { pluginRoutes } from './routes/plugins.routes.js';
import { sessionRoutes } from './routes/session.routes.js';
import { webhookTestRoutes } from './routes/webhook-test.routes.js';
import { webhookRoutes } from './routes/webhook.routes.js';
import { serveUi } from './ui.middleware.js';

/** Options of {@link createApp}. */
export interface AppOptions {
  readonly credentials: Credentials;
  /** Folder of the built web UI, served at /ui/. */
  readonly uiDir: string;
}

/** Builds the Koa application: error mapping, metrics, headers, the UI, auth by matched route, the routes. */
export function createApp(s: ServerContext, options: AppOptions): Koa {
  const app = new Koa({ proxy: false });
  const publicUrl = s.config.SLUICE_URL;
  const auth: Auth = {
    credentials: options.credentials,
    limiter: createFailureLimiter({ maxFailures: s.config.SLUICE_AUTH_MAX_FAILURES, windowMs: 60_000, lockoutMs: s.config.SLUICE_AUTH_LOCKOUT_MS }),
    sessions: createSessions(s.runtime.sessions, { idleMs: s.config.SLUICE_SESSION_IDLE_MS, maxMs: s.config.SLUICE_SESSION_MAX_MS }),
    ownOrigin: (ctx) => ownOrigin(publicUrl, ctx.host, ctx.protocol),
    secureCookies: publicUrl?.startsWith('https://') ?? false,
  };
  // The file and resume routes before executionRoutes: `/executions/{id}/resume` would match its `/executions/:namespace/:id`.
  const { router, publicRouter } = createApiRouter(
    [...webhookRoutes(s), ...sessionRoutes(auth), ...flowRoutes(s), ...webhookTestRoutes(s), ...executionFileRoutes(s), ...executionResumeRoutes(s), ...executionControlRoutes(s), ...executionRoutes(s), ...logRoutes(s), ...pluginRoutes(s), ...triggerRoutes(s)],
    healthRoutes(s),
  );
  app.use(async (ctx, next) => {
    const end = s.metrics.httpDuration.startTimer();
    try {
      await next();
    } finally {
      const route = ctx._matchedRoute ? String(ctx._matchedRoute) : ctx.path.startsWith('/ui/') ? '/ui/' : 'unmatched';
      end({ route });
      s.metrics.httpRequests.inc({ method: ctx.method, route, status: String(ctx.status) });
    }
  });
  app.use(errorsMiddleware(s.logger));
  // Headers, the problem body of a request no route answered, exact JSON: inside the errors
  // middleware, outside everything that answers.
  app.use(answersMiddleware());
  app.use(serveUi(options.uiDir));
  app.use(authenticate(publicRouter, auth));
  // The public routes (the webhook) are matched first, among themselves: a webhook is answered
  // without matching its path against every API route. What they do not answer (another path,
  // or a method the path lacks) goes on to the full router, which answers 404 or 405.
  app.use(publicRouter.routes());
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
