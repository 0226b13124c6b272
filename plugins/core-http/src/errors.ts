import { defineErrorCatalog } from '@sluice/core';

/**
 * The codes the HTTP tasks raise. Each message names the cause (the host, the status, the
 * limit), never a header or body value, which may hold credentials. `retryable` is set where a
 * new attempt may succeed: an unreachable host, a timeout, a 5xx or 429 answer.
 */
export const httpErrors = defineErrorCatalog({
  /** `uri` did not render to an absolute http(s) URL. */
  HTTP_INVALID_URI: (reason: string) => `Invalid uri: ${reason}`,
  /** The server answered with a status of 400 or more and `options.allowFailed` was not set. */
  HTTP_STATUS_FAILED: (code: number, method: string, where: string) =>
    `Failed http request with response code '${code}' (${method} ${where}); set options.allowFailed: true to accept it`,
  /** No answer could be had: the host is unknown, refused the connection, or broke it. */
  HTTP_UNREACHABLE: (where: string, cause: string) => `Cannot reach ${where}: ${cause}`,
  /** The connection or the response's headers took longer than `options.timeout.connectTimeout`. */
  HTTP_CONNECT_TIMEOUT: (where: string, timeout: string) => `No response from ${where} within connectTimeout ${timeout}`,
  /** The response stopped sending data for longer than `options.timeout.readIdleTimeout`. */
  HTTP_READ_TIMEOUT: (where: string, timeout: string) => `The response from ${where} sent nothing for readIdleTimeout ${timeout}`,
  /** The response body is larger than the limit (`options.maxContentLength`). */
  HTTP_BODY_TOO_LARGE: (where: string, limit: number) =>
    `The response body from ${where} is larger than ${limit} bytes (options.maxContentLength); use a smaller response`,
  /** The response body is not UTF-8 text, which the Request task's `body` output must be. */
  HTTP_BODY_NOT_TEXT: (where: string) => `The response body from ${where} is not valid UTF-8 text; the Request task only returns text bodies`,
  /** A form value points at a file of internal storage (`kestra://`), which the Request task does not send yet. */
  HTTP_STORAGE_UNSUPPORTED: (field: string) =>
    `formData.${field} refers to a file in internal storage (kestra://...), which the Request task does not send yet`,
  /** Download: the response had no body and `failOnEmptyResponse` was not turned off. */
  HTTP_EMPTY_RESPONSE: (where: string) => `No response from server: ${where} answered with an empty body; set failOnEmptyResponse: false to accept an empty file`,
  /** Download: fewer (or more) bytes arrived than the response's Content-Length announced. */
  HTTP_BODY_INCOMPLETE: (where: string, got: number, expected: number) => `Invalid size from ${where}: got ${got} bytes, expected ${expected} (Content-Length)`,
  /** A prop combination the task cannot honour. */
  HTTP_INVALID_PROPS: (message: string) => message,
});
