/**
 * `@sluice/plugin-core-http`: Kestra's `io.kestra.plugin.core.http.Request` task, which calls an
 * HTTP API and keeps its answer as outputs, and `io.kestra.plugin.core.http.Download`, which
 * streams a URL's body into internal storage and outputs the file's URI.
 *
 * @packageDocumentation
 */
import { definePluginPackage } from '@sluice/core';
import { request } from './request.task.js';
import { download } from './download.task.js';

export { request } from './request.task.js';
export { RequestProps, RequestOutput, RequestOptions, MAX_CONTENT_LENGTH } from './request.schema.js';
export { download } from './download.task.js';
export { DownloadProps, DownloadOutput, DownloadOptions, DOWNLOAD_MAX_BYTES, DOWNLOAD_MAX_BYTES_CEILING } from './download.schema.js';
export { httpErrors } from './errors.js';

export default definePluginPackage({ tasks: [request, download] });
