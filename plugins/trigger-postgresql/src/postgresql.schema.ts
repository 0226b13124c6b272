import { Dynamic, Type, type Static } from '@sluice/core';

/** Kestra's default `interval`. */
export const DEFAULT_INTERVAL = 'PT60S';
/** The shortest `interval` accepted: a query a second is already a load on a database. */
export const MIN_INTERVAL_MS = 1000;

/** Props of the PostgreSQL query Trigger (the envelope `id`, `type`, `disabled`, `labels` is the host's). */
export const PostgresTriggerProps = Type.Object(
  {
    url: Dynamic(
      Type.String({
        minLength: 1,
        description:
          "The database, as Kestra's JDBC URL `jdbc:postgresql://host[:port]/database` (`postgresql://` works too). Only `user` and `password` " +
          'are read from its parameters; any other parameter, and any other scheme, is refused at save.',
      }),
    ),
    username: Type.Optional(Dynamic(Type.String({ description: 'The user; wins over the URL\'s.' }))),
    password: Type.Optional(Dynamic(Type.String({ description: "The password; wins over the URL's. Use `{{ secret('PG_PASSWORD') }}`; it is never logged." }))),
    sql: Dynamic(
      Type.String({
        minLength: 1,
        description:
          'One SQL statement, run every `interval`; when it returns rows, an execution starts. It must leave out the rows already handled ' +
          '(e.g. `WHERE processed_at IS NULL`, with the flow or `afterSQL` setting it). Checked by PostgreSQL\'s own parser at save, unless it holds a `{{ }}` template.',
      }),
    ),
    afterSQL: Type.Optional(
      Dynamic(
        Type.String({
          minLength: 1,
          description:
            'One SQL statement run after `sql`, in the same transaction, e.g. to mark the rows fetched. As in Kestra it commits during the poll, ' +
            'before the execution is stored: see the README for what a crash at that moment does.',
        }),
      ),
    ),
    parameters: Type.Optional(
      Dynamic(
        Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]), {
          description: 'Values of the `:name` placeholders of `sql` and `afterSQL`, sent as query parameters (never spliced into the text).',
        }),
      ),
    ),
    fetchType: Type.Optional(
      Type.Union([Type.Literal('FETCH'), Type.Literal('FETCH_ONE'), Type.Literal('STORE'), Type.Literal('NONE')], {
        default: 'FETCH',
        description:
          '`FETCH` (the default): every row as `trigger.rows`. `FETCH_ONE`: the first row as `trigger.row`. `STORE` (an ION file) is not ' +
          'supported yet and `NONE` never fires (Kestra refuses it too): both are refused at save.',
      }),
    ),
    interval: Type.Optional(
      Type.String({
        default: DEFAULT_INTERVAL,
        description: `How often the query runs, an ISO-8601 duration; \`${DEFAULT_INTERVAL}\` when omitted, at least \`PT1S\`.`,
      }),
    ),
    timeZoneId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        pattern: '^[A-Za-z0-9_+\\-/]+$',
        description: "The IANA zone `timestamp with time zone` values are written in, e.g. `Europe/Paris`; the server's when omitted.",
      }),
    ),
  },
  { additionalProperties: false },
);
/** Props of the PostgreSQL query Trigger, as `poll` gets them. */
export type PostgresTriggerProps = Static<typeof PostgresTriggerProps>;

const RowSchema = Type.Record(Type.String(), Type.Unknown(), { description: 'One row: column name to value.' });

/** The variables of an execution the trigger starts: Kestra's `trigger.rows`, `trigger.row`, `trigger.size`. */
export const PostgresVariables = Type.Object(
  {
    rows: Type.Optional(Type.Array(RowSchema, { description: 'With `fetchType: FETCH`: every row the query returned.' })),
    row: Type.Optional(RowSchema),
    size: Type.Integer({ description: 'How many rows: the count of `rows`, or 1 with `FETCH_ONE`.' }),
  },
  { description: 'The rows of the poll that started the execution.' },
);
/** The variables of an execution the trigger starts. */
export type PostgresVariables = Static<typeof PostgresVariables>;
