import pg from 'pg';

/** The PostgreSQL this machine runs (trust auth). */
export const PG_URL = 'jdbc:postgresql://127.0.0.1:5432/test';

/** A schema of the test's own, with an `orders` table, dropped at `drop`. */
export interface TestSchema {
  readonly name: string;
  sql(text: string, values?: unknown[]): Promise<pg.QueryResult>;
  drop(): Promise<void>;
}

export async function createSchema(): Promise<TestSchema> {
  const name = `sluice_amqp_pg_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await client.connect();
  await client.query(`CREATE SCHEMA ${name}`);
  await client.query(`CREATE TABLE ${name}.orders (id integer PRIMARY KEY, amount numeric(10,2) NOT NULL, note text, created_at timestamptz, handled_at timestamptz)`);
  return {
    name,
    sql: (text, values) => client.query(text, values),
    async drop() {
      await client.query(`DROP SCHEMA ${name} CASCADE`);
      await client.end();
    },
  };
}
