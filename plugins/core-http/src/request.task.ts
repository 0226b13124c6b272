import { defineTask } from '@sluice/core';
import { buildCall } from './build-request.js';
import { httpErrors } from './errors.js';
import { callHttp, describeUrl } from './http-call.js';
import { requestExamples } from './request.examples.js';
import { MAX_CONTENT_LENGTH, RequestOutput, RequestProps } from './request.schema.js';

/**
 * `io.kestra.plugin.core.http.Request`: calls an HTTP API and keeps the answer as outputs.
 * @public
 */
export const request = defineTask({
  type: 'io.kestra.plugin.core.http.Request',
  aliases: ['io.kestra.plugin.fs.http.Request'],
  title: 'Make an HTTP request and keep the response as outputs',
  description:
    'Calls a URL and stores the response\'s status `code`, `headers` and `body` (text) as outputs for later tasks. ' +
    'A response code of 400 or more fails the task unless `options.allowFailed` is true. ' +
    'An unreachable host, a timeout (`options.timeout`), or a body larger than `options.maxContentLength` ' +
    `(${MAX_CONTENT_LENGTH} bytes, 10 MiB, by default and at most) fails the task with a message naming the cause. ` +
    'The task\'s `timeout`, a kill or a shutdown aborts the request. ' +
    'Not supported yet, and refused when the flow is saved: `encryptBody`, `options.proxy`, `options.ssl`, `options.logs`; ' +
    'files from internal storage in `formData` fail the task.',
  props: RequestProps,
  output: RequestOutput,
  examples: requestExamples,
  async run(ctx, props) {
    const call = buildCall(props, ctx.signal);
    const where = describeUrl(call.url);
    const answer = await callHttp(call);
    ctx.logger.debug(`${call.method} ${where} answered ${answer.status}`);
    const allowFailed = props.options?.allowFailed ?? props.allowFailed ?? false;
    if (answer.status >= 400 && !allowFailed) {
      throw httpErrors.HTTP_STATUS_FAILED(answer.status, call.method, where, {
        retryable: answer.status >= 500 || answer.status === 429,
        details: { code: answer.status },
      });
    }
    return {
      uri: call.url.href,
      code: answer.status,
      headers: answer.headers,
      ...(answer.body === undefined ? {} : { body: answer.body }),
    };
  },
});
