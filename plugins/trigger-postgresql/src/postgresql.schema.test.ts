import { describe, expect, it } from 'vitest';
// One helper for both broker packages of this change: the save-time registry of a poll or listen trigger.
import { registryWith, saveProblems } from '../../trigger-amqp/test/save-time.js';
import { postgresTrigger } from './postgresql.trigger.js';

const registry = registryWith(postgresTrigger);
const flow = (props: string) =>
  `id: f\nnamespace: company.team\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: hi\ntriggers:\n  - id: watch\n    type: io.kestra.plugin.jdbc.postgresql.Trigger\n${props}`;
// Only the trigger's problems: the Log task of the flow is not in this registry.
const problems = (props: string) => saveProblems(flow(props), registry).filter((line) => line.includes('triggers[0]'));
const URL = '    url: jdbc:postgresql://localhost:5432/test\n';

describe('PostgreSQL Trigger props at save', () => {
  it("accepts Kestra's props, a multi-line query with :name parameters, and SQL holding templates unparsed", () => {
    expect(problems(`${URL}    sql: SELECT * FROM orders WHERE handled_at IS NULL\n    interval: PT30S\n    fetchType: FETCH_ONE\n`)).toEqual([]);
    expect(problems(`${URL}    sql: |\n      SELECT id\n      FROM orders\n      WHERE amount >= :minimum AND note::text <> ':x';\n    parameters:\n      minimum: 10\n`)).toEqual([]);
    // A template is rendered at each poll: the server parses the result, not the save.
    expect(problems(`${URL}    sql: "SELECT * FROM {{ flow.namespace | replace({'.': '_'}) }}.orders WHERE"\n`)).toEqual([]);
    expect(problems(`${URL}    sql: SELECT * FROM orders WHERE id = :id\n    parameters: "{{ fromJson(secret('PG_PARAMETERS')) }}"\n`)).toEqual([]);
  });

  it('refuses SQL that PostgreSQL would not parse, at the YAML line, with its place in the query', () => {
    expect(problems(`${URL}    sql: SELEC * FROM orders\n`)).toEqual([
      '11:10 FLOW_INVALID_PROPS triggers[0].sql: invalid SQL at line 1, column 1 of the query: syntax error at or near "SELEC"',
    ]);
    expect(problems(`${URL}    sql: |\n      SELECT id\n      FROM orders\n      WHERE\n`)).toEqual([
      '11:10 FLOW_INVALID_PROPS triggers[0].sql: invalid SQL at line 4, column 1 of the query: syntax error at end of input',
    ]);
    expect(problems(`${URL}    sql: SELECT 1\n    afterSQL: UPDATE orders SET WHERE id = 1\n`)).toEqual([
      '12:15 FLOW_INVALID_PROPS triggers[0].afterSQL: invalid SQL at line 1, column 19 of the query: syntax error at or near "WHERE"',
    ]);
    expect(problems(`${URL}    sql: SELECT 1; SELECT 2\n`)).toEqual(['11:10 FLOW_INVALID_PROPS triggers[0].sql: must hold exactly one SQL statement, found 2']);
    expect(problems(`${URL}    sql: SELECT * FROM orders WHERE id = :id\n`)).toEqual([
      '11:10 FLOW_INVALID_PROPS triggers[0].sql: invalid SQL at line 1, column 33 of the query: syntax error at or near ":" (a :name placeholder needs its value in parameters)',
    ]);
  });

  it('refuses an unknown URL scheme or parameter, without echoing the URL', () => {
    expect(problems('    url: jdbc:mysql://root:hunter2@localhost/test\n    sql: SELECT 1\n')).toEqual([
      "10:10 FLOW_INVALID_PROPS triggers[0].url: unsupported URL scheme 'jdbc:mysql': use jdbc:postgresql://host[:port]/database (or postgresql://)",
    ]);
    expect(problems('    url: jdbc:postgresql://localhost/test?sslmode=require\n    sql: SELECT 1\n')).toEqual([
      "10:10 FLOW_INVALID_PROPS triggers[0].url: URL parameter 'sslmode' is not supported; only user and password are read from the URL",
    ]);
    expect(problems('    url: "{{ secret(\'PG_URL\') }}"\n    sql: SELECT 1\n')).toEqual([]);
  });

  it('refuses an interval below a second or not a duration, STORE, NONE and an unknown zone', () => {
    expect(problems(`${URL}    sql: SELECT 1\n    interval: PT0.5S\n`)).toEqual(['12:15 FLOW_INVALID_PROPS triggers[0].interval: interval PT0.5S is below the minimum of PT1S']);
    expect(problems(`${URL}    sql: SELECT 1\n    interval: 5 minutes\n`)).toEqual([
      "12:15 FLOW_INVALID_PROPS triggers[0].interval: interval '5 minutes' is not an ISO-8601 duration such as PT60S",
    ]);
    expect(problems(`${URL}    sql: SELECT 1\n    fetchType: STORE\n`)).toEqual([expect.stringMatching(/^12:16 FLOW_INVALID_PROPS triggers\[0\]\.fetchType: fetchType STORE is not supported/)]);
    expect(problems(`${URL}    sql: SELECT 1\n    fetchType: NONE\n`)).toEqual([expect.stringMatching(/^12:16 FLOW_INVALID_PROPS triggers\[0\]\.fetchType: fetchType NONE is not supported/)]);
    expect(problems(`${URL}    sql: SELECT 1\n    timeZoneId: Mars/Olympus\n`)).toEqual([expect.stringMatching(/^12:17 FLOW_INVALID_PROPS triggers\[0\]\.timeZoneId: unknown time zone/)]);
    expect(problems(`${URL}    sql: SELECT 1\n    connectionPoolSize: 5\n`)).toEqual([expect.stringMatching(/^12:5 FLOW_INVALID_PROPS triggers\[0\]\.connectionPoolSize: /)]);
  });

  it('gives the host the interval in milliseconds', () => {
    expect(postgresTrigger.interval({ url: 'x', sql: 'SELECT 1' })).toBe(60_000);
    expect(postgresTrigger.interval({ url: 'x', sql: 'SELECT 1', interval: 'PT1M30S' })).toBe(90_000);
  });
});
