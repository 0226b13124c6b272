import { isId, resumePaused } from '@sluice/engine';
import type { ServerContext } from '../../server-context.js';
import type { RouteSpec } from '../api-router.js';
import { problem } from '../problem.js';
import { readInputs } from '../read-inputs.js';
import { serverErrors } from '../../errors.js';

/**
 * `POST /executions/{id}/resume`, Kestra's route: resumes an execution a Pause task paused, with
 * the Pause's `onResume` inputs as multipart form fields (Kestra's way), a urlencoded form or a
 * JSON object. 204 once resumed and queued; 404 for an unknown execution; 409 when it is not
 * paused; 422 naming each `onResume.<id>` that is missing or invalid.
 */
export function executionResumeRoutes(s: ServerContext): RouteSpec[] {
  return [
    {
      method: 'post',
      path: '/executions/:id/resume',
      handler: async (ctx) => {
        const id = String(ctx.params.id);
        if (!isId(id)) return problem(ctx, 404, `execution '${id}' not found`);
        const inputs = await readInputs(ctx, s.config.SLUICE_MAX_BODY_BYTES, 'the onResume inputs');
        if (typeof inputs === 'string') return problem(ctx, 400, inputs, [{ path: 'body', message: inputs }]);
        if (inputs === null) return problem(ctx, 415, 'send the onResume inputs as multipart/form-data, application/x-www-form-urlencoded or application/json');
        const auth = ctx.state.auth as { username?: string } | undefined;
        const result = await resumePaused(s.runtime, id, { inputs, ...(auth?.username === undefined ? {} : { by: auth.username }) });
        if (result.kind === 'not-found') return problem(ctx, 404, `execution '${id}' not found`);
        if (result.kind === 'not-paused') return problem(ctx, 409, result.message, undefined, serverErrors.codes.EXECUTION_NOT_PAUSED, { state: result.state });
        if (result.kind === 'invalid') {
          return problem(ctx, 422, `invalid onResume inputs: ${result.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, result.errors);
        }
        ctx.status = 204;
      },
    },
  ];
}
