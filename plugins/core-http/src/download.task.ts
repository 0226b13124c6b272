import { defineTask } from '@sluice/core';
import { buildCall } from './build-request.js';
import { downloadExamples } from './download.examples.js';
import { DOWNLOAD_MAX_BYTES, DownloadOutput, DownloadProps } from './download.schema.js';
import { httpErrors } from './errors.js';
import { nameFromDisposition, nameFromUrl } from './file-name.js';
import { describeUrl, exchange, limitedChunks } from './http-call.js';

/**
 * `io.kestra.plugin.core.http.Download`: streams a URL's body into internal storage and outputs
 * the file's `uri`.
 * @public
 */
export const download = defineTask({
  type: 'io.kestra.plugin.core.http.Download',
  aliases: ['io.kestra.plugin.fs.http.Download'],
  title: 'Download a file from an HTTP server to internal storage',
  description:
    'Calls a URL and streams the response body into internal storage, as a file of the task run: the outputs are its `uri` ' +
    '(`kestra:///...`), the status `code`, its `length` in bytes and the response `headers`. The file never enters the execution\'s ' +
    'record: later tasks read it with `{{ read(outputs.<taskId>.uri) }}` (up to 1 MiB of text), and the execution\'s page offers it as a download. ' +
    'The file is named by the Content-Disposition header, else by the last segment of the URL\'s path. ' +
    'A response code of 400 or more fails the task unless `options.allowFailed` is true; an empty body fails it unless ' +
    '`failOnEmptyResponse` is false. A body larger than `options.maxContentLength` ' +
    `(${DOWNLOAD_MAX_BYTES} bytes, 1 GiB, by default) fails the task and keeps nothing. ` +
    'It takes the Request task\'s props (method, headers, body, formData, options with timeouts and auth). ' +
    'Not supported yet, and refused when the flow is saved: `sslOptions`, `options.proxy`, `options.ssl`, `options.logs`.',
  props: DownloadProps,
  output: DownloadOutput,
  examples: downloadExamples,
  async run(ctx, props) {
    const call = { ...buildCall(props, ctx.signal), maxBytes: props.options?.maxContentLength ?? DOWNLOAD_MAX_BYTES };
    const where = describeUrl(call.url);
    const allowFailed = props.options?.allowFailed ?? props.allowFailed ?? false;
    const failed = (status: number) =>
      httpErrors.HTTP_STATUS_FAILED(status, call.method, where, { retryable: status >= 500 || status === 429, details: { code: status } });
    const answer = await exchange(call, async (body, { status, headers, touch }) => {
      // As Kestra's client: a failed code fails before anything is stored.
      if (status >= 400 && !allowFailed) throw failed(status);
      const name = nameFromDisposition(headers['content-disposition']?.[0]) ?? nameFromUrl(call.url) ?? 'download';
      return ctx.storage.put(name, limitedChunks(body, call.maxBytes, touch, where));
    });
    if (answer.status >= 400 && !allowFailed) throw failed(answer.status);
    const stored = answer.body ?? (await ctx.storage.put(nameFromUrl(call.url) ?? 'download', new Uint8Array()));
    // Content-Length counts the bytes as sent: a compressed body (which fetch inflates) is not compared.
    const encoded = (answer.headers['content-encoding']?.[0] ?? 'identity').toLowerCase() !== 'identity';
    const declared = answer.body === undefined || encoded ? undefined : Number(answer.headers['content-length']?.[0]);
    if (declared !== undefined && Number.isFinite(declared) && declared !== stored.size) {
      throw httpErrors.HTTP_BODY_INCOMPLETE(where, stored.size, declared, { retryable: true });
    }
    if (stored.size === 0) {
      if ((props.failOnEmptyResponse ?? true) && !allowFailed) throw httpErrors.HTTP_EMPTY_RESPONSE(where);
      ctx.logger.warn(`File '${where}' is empty`);
    }
    ctx.logger.debug(`File '${where}' downloaded with size '${stored.size}'`);
    return { uri: stored.uri, code: answer.status, length: stored.size, headers: answer.headers };
  },
});
