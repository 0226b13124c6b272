import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isSluiceError } from '@sluice/core';
import { createTriggerContext } from '@sluice/plugin-testing';
import { createSchema, PG_URL, type TestSchema } from '../test/database.js';
import type { PostgresTriggerProps } from './postgresql.schema.js';
import { postgresTrigger } from './postgresql.trigger.js';

let db: TestSchema;
beforeAll(async () => {
  db = await createSchema();
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.sql(`TRUNCATE ${db.name}.orders`);
});

const props = (more: Partial<PostgresTriggerProps> = {}): PostgresTriggerProps => ({
  url: PG_URL,
  username: 'postgres',
  sql: `SELECT id, amount, note FROM ${db.name}.orders WHERE handled_at IS NULL ORDER BY id`,
  ...more,
});

describe('PostgreSQL Trigger on the real PostgreSQL', () => {
  it('starts nothing while the query returns no rows, then one execution with every row', async () => {
    const ctx = createTriggerContext();
    const empty = await postgresTrigger.poll(ctx, props(), undefined);
    expect(empty.starts).toEqual([]);
    await db.sql(`INSERT INTO ${db.name}.orders (id, amount, note) VALUES (1, 9.5, 'small'), (2, 20, NULL)`);
    const found = await postgresTrigger.poll(ctx, props(), empty.cursor);
    expect(found.starts).toEqual([
      {
        kind: 'start',
        key: expect.stringMatching(/^1:[\w-]{32}$/),
        variables: { size: 2, rows: [{ id: 1, amount: 9.5, note: 'small' }, { id: 2, amount: 20, note: null }] },
      },
    ]);
    // The flow has not handled them yet: the next poll sees the same rows and starts nothing new.
    expect((await postgresTrigger.poll(ctx, props(), found.cursor)).starts).toEqual([]);
    // A poll repeated from the cursor before (the host did not store it) starts the same key again.
    expect((await postgresTrigger.poll(ctx, props(), empty.cursor)).starts[0]?.key).toBe(found.starts[0]?.key);
    // The flow handles order 1 and a new one arrives: a new result, a new execution.
    await db.sql(`UPDATE ${db.name}.orders SET handled_at = now() WHERE id = 1`);
    await db.sql(`INSERT INTO ${db.name}.orders (id, amount) VALUES (3, 1)`);
    const next = await postgresTrigger.poll(ctx, props(), found.cursor);
    expect(next.starts.map((start) => start.variables)).toEqual([{ size: 2, rows: [{ id: 2, amount: 20, note: null }, { id: 3, amount: 1, note: null }] }]);
    expect(next.starts[0]?.key).not.toBe(found.starts[0]?.key);
  });

  it('starts the same rows again once a poll came back empty in between', async () => {
    const ctx = createTriggerContext();
    await db.sql(`INSERT INTO ${db.name}.orders (id, amount) VALUES (1, 5)`);
    const first = await postgresTrigger.poll(ctx, props(), undefined);
    await db.sql(`UPDATE ${db.name}.orders SET handled_at = now()`);
    const empty = await postgresTrigger.poll(ctx, props(), first.cursor);
    await db.sql(`UPDATE ${db.name}.orders SET handled_at = NULL`);
    const again = await postgresTrigger.poll(ctx, props(), empty.cursor);
    expect(again.starts).toHaveLength(1);
    expect(again.starts[0]?.key).not.toBe(first.starts[0]?.key);
  });

  it('gives the first row with FETCH_ONE, binds :name parameters and runs afterSQL in the same transaction', async () => {
    const ctx = createTriggerContext();
    await db.sql(`INSERT INTO ${db.name}.orders (id, amount, note) VALUES (1, 5, 'a'), (2, 50, 'b:c'), (3, 70, 'd')`);
    const big = props({
      sql: `SELECT id, note, ':minimum' AS literal FROM ${db.name}.orders WHERE handled_at IS NULL AND amount >= :minimum AND note <> :skip ORDER BY id -- :minimum`,
      afterSQL: `UPDATE ${db.name}.orders SET handled_at = now() WHERE handled_at IS NULL AND amount >= :minimum`,
      parameters: { minimum: 10, skip: 'x' },
      fetchType: 'FETCH_ONE',
    });
    const result = await postgresTrigger.poll(ctx, big, undefined);
    expect(result.starts.map((start) => start.variables)).toEqual([{ size: 1, row: { id: 2, note: 'b:c', literal: ':minimum' } }]);
    const handled = await db.sql(`SELECT id FROM ${db.name}.orders WHERE handled_at IS NOT NULL ORDER BY id`);
    expect(handled.rows).toEqual([{ id: 2 }, { id: 3 }]);
    expect((await postgresTrigger.poll(ctx, big, result.cursor)).starts).toEqual([]);
  });

  it('writes timestamps in timeZoneId, big integers and decimals as numbers when nothing is lost, bytes as base64', async () => {
    const ctx = createTriggerContext();
    const sql = `SELECT timestamptz '2024-07-01 06:00:00Z' AS at, timestamp '2024-07-01 06:00:00' AS local, date '2024-07-01' AS day,
      9007199254740993::int8 AS huge, 42::int8 AS small, 12.50::numeric AS price, '\\x0102'::bytea AS bytes, '{"a":[1]}'::jsonb AS doc`;
    const row = (zone?: string) =>
      postgresTrigger.poll(ctx, props({ sql, ...(zone === undefined ? {} : { timeZoneId: zone }) }), undefined).then((r) => r.starts[0]?.variables.rows?.[0]);
    expect(await row('Europe/Paris')).toEqual({
      at: '2024-07-01T08:00:00+02:00',
      local: '2024-07-01T06:00:00',
      day: '2024-07-01',
      huge: '9007199254740993',
      small: 42,
      price: 12.5,
      bytes: 'AQI=',
      doc: { a: [1] },
    });
    expect((await row('Etc/UTC'))?.at).toBe('2024-07-01T06:00:00Z');
  });

  it('throws PG_QUERY_FAILED naming the database but never the password, when the server is not there or the SQL fails', async () => {
    const ctx = createTriggerContext();
    const refused = postgresTrigger.poll(ctx, { url: 'jdbc:postgresql://127.0.0.1:1/test', username: 'postgres', password: 'pw-hunter2', sql: 'SELECT 1' }, undefined);
    await expect(refused).rejects.toSatisfy((error: unknown) => isSluiceError(error, 'PG_QUERY_FAILED'));
    await expect(refused).rejects.toThrow(/^PostgreSQL query on postgresql:\/\/127\.0\.0\.1:1\/test failed: .*ECONNREFUSED/);
    await expect(refused).rejects.not.toThrow(/hunter2/);
    await expect(postgresTrigger.poll(ctx, props({ sql: `SELECT nope FROM ${db.name}.orders` }), undefined)).rejects.toThrow(/column "nope" does not exist/);
  });

  it('refuses a url rendered to another scheme, with its code and without echoing it', async () => {
    const polled = postgresTrigger.poll(createTriggerContext(), { url: 'mysql://root:hunter2@127.0.0.1/test', sql: 'SELECT 1' }, undefined);
    await expect(polled).rejects.toSatisfy((error: unknown) => isSluiceError(error, 'PG_URL_SCHEME') && !String(error).includes('hunter2'));
  });

  it('stops a running query when the host aborts its signal', async () => {
    const ctx = createTriggerContext();
    const slow = postgresTrigger.poll(ctx, props({ sql: 'SELECT pg_sleep(30)' }), undefined);
    setTimeout(() => ctx.abort(), 200);
    await expect(slow).rejects.toThrow(/the poll was cancelled/);
  });
});
