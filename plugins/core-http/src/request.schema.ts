import { DURATION_PATTERN, Dynamic, Type, type Static } from '@sluice/core';

/** Largest response body the Request task keeps, and its default: Kestra's default, 10 MiB. */
export const MAX_CONTENT_LENGTH = 10 * 1024 * 1024;

/** The methods Kestra's `HttpRequest` knows. */
export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

const Duration = (description: string) =>
  Dynamic(Type.String({ pattern: DURATION_PATTERN, description: `${description} An ISO-8601 duration such as PT30S (any case).` }));

const Auth = Type.Object(
  {
    type: Type.Union([Type.Literal('BASIC'), Type.Literal('BEARER')], { description: 'BASIC (username and password) or BEARER (token).' }),
    username: Type.Optional(Dynamic(Type.String({ description: 'BASIC: the user name.' }))),
    password: Type.Optional(Dynamic(Type.String({ description: 'BASIC: the password; use {{ secret(...) }}.' }))),
    token: Type.Optional(Dynamic(Type.String({ description: 'BEARER: the token sent as `Authorization: Bearer <token>`; use {{ secret(...) }}.' }))),
  },
  { additionalProperties: false, description: 'Authentication added to the request as an Authorization header.' },
);

const Timeout = Type.Object(
  {
    connectTimeout: Type.Optional(
      Duration('Longest wait for the response to begin: the connection, the request sent and the first line of the answer. No limit by default.'),
    ),
    readIdleTimeout: Type.Optional(Duration('Longest time without receiving any data, before or during the body. PT5M by default.')),
  },
  { additionalProperties: false, description: 'Timeouts of the request. The task\'s own `timeout` bounds the whole task.' },
);

/** Kestra's `options` (HttpConfiguration), the parts Sluice honours. */
export const RequestOptions = Type.Object(
  {
    timeout: Type.Optional(Timeout),
    allowFailed: Type.Optional(Dynamic(Type.Boolean({ description: 'Accept a response code of 400 or more instead of failing the task. False by default.' }))),
    followRedirects: Type.Optional(Dynamic(Type.Boolean({ description: 'Follow redirects (up to 20). True by default; false returns the 3xx response itself.' }))),
    auth: Type.Optional(Auth),
    maxContentLength: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_CONTENT_LENGTH,
        description: `Largest response body kept, in bytes; a larger one fails the task. ${MAX_CONTENT_LENGTH} (10 MiB) by default, which is also the most: the body is stored with the execution.`,
      }),
    ),
    connectTimeout: Type.Optional(Duration('Deprecated in Kestra: the same as timeout.connectTimeout.')),
    readTimeout: Type.Optional(Duration('Deprecated in Kestra: the same as timeout.readIdleTimeout.')),
    readIdleTimeout: Type.Optional(Duration('Deprecated in Kestra: the same as timeout.readIdleTimeout.')),
    basicAuthUser: Type.Optional(Dynamic(Type.String({ description: 'Deprecated in Kestra: auth with type BASIC and this username.' }))),
    basicAuthPassword: Type.Optional(Dynamic(Type.String({ description: 'Deprecated in Kestra: auth with type BASIC and this password.' }))),
  },
  { additionalProperties: false, description: 'How the request is made: timeouts, failed codes, redirects, authentication, the body limit.' },
);

const HeaderValue = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);

/** Props of the Request task. */
export const RequestProps = Type.Object(
  {
    uri: Dynamic(Type.String({ minLength: 1, description: 'The absolute http:// or https:// URL to call. Spaces are sent as %20.' })),
    method: Type.Optional(
      Dynamic(Type.Union(METHODS.map((m) => Type.Literal(m)), { description: `The HTTP method: ${METHODS.join(', ')}. GET by default.`, default: 'GET' })),
    ),
    headers: Type.Optional(Dynamic(Type.Record(Type.String(), HeaderValue, { description: 'Request headers by name; they win over contentType and auth.' }))),
    body: Type.Optional(
      Dynamic(
        Type.Union([Type.String(), Type.Record(Type.String(), Type.Unknown()), Type.Array(Type.Unknown()), Type.Number(), Type.Boolean()], {
          description: 'The request body. Text is sent as written; a map or list is sent as JSON. Ignored when formData is set, as in Kestra.',
        }),
      ),
    ),
    formData: Type.Optional(
      Dynamic(
        Type.Record(Type.String(), Type.Unknown(), {
          description:
            'Form fields, sent URL-encoded, or as multipart/form-data when contentType says so. Text values are sent as written, others as JSON. ' +
            'Files from internal storage (kestra://) are not supported yet and fail the task.',
        }),
      ),
    ),
    contentType: Type.Optional(Dynamic(Type.String({ minLength: 1, description: 'The Content-Type of `body`; application/json by default.', default: 'application/json' }))),
    options: Type.Optional(RequestOptions),
    allowFailed: Type.Optional(Dynamic(Type.Boolean({ description: 'Deprecated in Kestra: the same as options.allowFailed.' }))),
    auth: Type.Optional(Auth),
  },
  { additionalProperties: false },
);
/** Props of the Request task, as `run` receives them. */
export type RequestProps = Static<typeof RequestProps>;

/** Output of the Request task: `{{ outputs.<taskId>.code }}`, `.headers`, `.body`, `.uri`. */
export const RequestOutput = Type.Object(
  {
    uri: Type.String({ description: 'The URL called.' }),
    code: Type.Integer({ description: 'The status code of the response.' }),
    headers: Type.Record(Type.String(), Type.Array(Type.String()), { description: 'The response headers, by lower-case name, each a list of values.' }),
    body: Type.Optional(Type.String({ description: 'The response body as text; absent when the response has none (HEAD, 204, 304).' })),
  },
  { additionalProperties: false },
);
/** Output of the Request task. */
export type RequestOutput = Static<typeof RequestOutput>;
