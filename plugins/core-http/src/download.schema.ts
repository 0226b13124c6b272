import { Dynamic, Type, type Static } from '@sluice/core';
import { RequestOptions, RequestProps } from './request.schema.js';

/**
 * Largest file the Download task writes, and its default: 1 GiB. The file streams to internal
 * storage and never enters the execution's record, so the bound is the disk's, not memory's.
 */
export const DOWNLOAD_MAX_BYTES = 1024 ** 3;
/** The most `options.maxContentLength` may raise it to: 10 GiB, internal storage's own limit. */
export const DOWNLOAD_MAX_BYTES_CEILING = 10 * 1024 ** 3;

/** Kestra's `options` for Download: the Request task's, with a larger body limit. */
export const DownloadOptions = Type.Object(
  {
    ...RequestOptions.properties,
    maxContentLength: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: DOWNLOAD_MAX_BYTES_CEILING,
        description: `Largest file downloaded, in bytes; a larger one fails the task and keeps nothing. ${DOWNLOAD_MAX_BYTES} (1 GiB) by default, at most ${DOWNLOAD_MAX_BYTES_CEILING} (10 GiB).`,
      }),
    ),
  },
  { additionalProperties: false, description: 'How the request is made: timeouts, failed codes, redirects, authentication, the size limit.' },
);

/** Props of the Download task: the Request task's (Kestra's AbstractHttp), plus `failOnEmptyResponse`. */
export const DownloadProps = Type.Object(
  {
    ...RequestProps.properties,
    uri: Dynamic(Type.String({ minLength: 1, description: 'The absolute http:// or https:// URL of the file. Spaces are sent as %20.' })),
    options: Type.Optional(DownloadOptions),
    failOnEmptyResponse: Type.Optional(
      Dynamic(Type.Boolean({ description: 'Fail the task when the response has no body (0 bytes), unless options.allowFailed is set; false logs a warning instead. True by default.', default: true })),
    ),
  },
  { additionalProperties: false },
);
/** Props of the Download task, as `run` receives them. */
export type DownloadProps = Static<typeof DownloadProps>;

/** Output of the Download task: `{{ outputs.<taskId>.uri }}`, `.code`, `.length`, `.headers`. */
export const DownloadOutput = Type.Object(
  {
    uri: Type.String({ description: 'The kestra:/// URI of the downloaded file in internal storage; read it with {{ read(outputs.<taskId>.uri) }} or download it from the execution\'s page.' }),
    code: Type.Integer({ description: 'The status code of the response.' }),
    length: Type.Integer({ description: 'The size of the file, in bytes.' }),
    headers: Type.Record(Type.String(), Type.Array(Type.String()), { description: 'The response headers, by lower-case name, each a list of values.' }),
  },
  { additionalProperties: false },
);
/** Output of the Download task. */
export type DownloadOutput = Static<typeof DownloadOutput>;
