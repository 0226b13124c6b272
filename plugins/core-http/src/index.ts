/**
 * `@sluice/plugin-core-http`: Kestra's `io.kestra.plugin.core.http.Request` task, which calls an
 * HTTP API and keeps its answer as outputs. `io.kestra.plugin.core.http.Download` needs internal
 * storage, which Sluice does not have yet, so it is not registered: a flow using it is refused
 * as an unknown type when it is saved.
 *
 * @packageDocumentation
 */
import { definePluginPackage } from '@sluice/core';
import { request } from './request.task.js';

export { request } from './request.task.js';
export { RequestProps, RequestOutput, RequestOptions, MAX_CONTENT_LENGTH } from './request.schema.js';
export { httpErrors } from './errors.js';

export default definePluginPackage({ tasks: [request] });
