import type { Context } from 'koa';
import { readRawBody } from './raw-body.js';
import { jsonObjectOrProblem } from './read-body.js';

/**
 * Inputs from a request body, as Kestra's routes take them: multipart form fields (Kestra's way,
 * its UI's and `curl -F`'s), a urlencoded form, or a JSON object; `{}` for an empty body. Null
 * for another content type (the caller answers 415); a sentence for a body that does not parse,
 * or a file part (a FILE input takes the URI of a stored file), for a 400 naming the body.
 * `what` names the inputs in those sentences.
 */
export async function readInputs(ctx: Context, limit: number, what: string): Promise<Record<string, unknown> | string | null> {
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
      if (typeof value !== 'string') return `part '${name}' is a file: uploads are not stored; give a FILE input the URI of a stored file`;
      out[name] = value;
    }
    return out;
  }
  const text = Buffer.from(bytes).toString('utf8');
  if (text.trim() === '') return {};
  if (ctx.is('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  if (ctx.is('application/json')) return jsonObjectOrProblem(text, what);
  return null;
}
