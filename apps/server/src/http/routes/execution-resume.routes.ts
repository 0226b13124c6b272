import { isId, resumePaused } from '@sluice/engine';
import type { Context } from 'koa';
import type { ServerContext } from '../../server-context.js';
import type { RouteSpec } from '../api-router.js';
import { problem } from '../problem.js';
import { readRawBody } from '../raw-body.js';
import { jsonObjectOrProblem } from '../read-body.js';
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
        const inputs = await readResumeInputs(ctx, s.config.SLUICE_MAX_BODY_BYTES);
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

/**
 * The resume's inputs: {} for an empty body; null for a content type we do not read; a message
 * for a body that does not parse, or a file part (a FILE input takes the URI of a stored file).
 */
async function readResumeInputs(ctx: Context, limit: number): Promise<Record<string, unknown> | string | null> {
  const bytes = await readRawBody(ctx.req, limit);
  if (bytes.byteLength === 0) return {};
  if (ctx.is('multipart/form-data')) {
    // Node's own multipart parser (undici's Response.formData), not a hand-written one.
    let form: FormData;
    try {
      form = await new Response(bytes, { headers: { 'content-type': ctx.get('content-type') } }).formData();
    } catch (error) {
      return `the multipart body does not parse: ${(error as Error).message}`;
    }
    const out: Record<string, unknown> = {};
    for (const [name, value] of form.entries()) {
      if (typeof value !== 'string') return `part '${name}' is a file: uploads are not stored on resume; give a FILE input the URI of a stored file`;
      out[name] = value;
    }
    return out;
  }
  const text = Buffer.from(bytes).toString('utf8');
  if (text.trim() === '') return {};
  if (ctx.is('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  if (ctx.is('application/json')) return jsonObjectOrProblem(text, 'the onResume inputs');
  return null;
}
