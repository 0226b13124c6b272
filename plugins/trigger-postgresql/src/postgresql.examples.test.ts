import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTriggerContext } from '@sluice/plugin-testing';
// The examples log through the Log task; a relative import keeps the plugin's package.json free
// of a dependency only its tests need.
import logPlugin from '../../core-log/src/index.js';
import { logMessageOf, registryWith, saveProblems, triggerProps } from '../../trigger-amqp/test/save-time.js';
import { createSchema, type TestSchema } from '../test/database.js';
import type { PostgresTriggerProps } from './postgresql.schema.js';
import { postgresTrigger } from './postgresql.trigger.js';

const registry = registryWith(postgresTrigger, [logPlugin]);
let db: TestSchema;
beforeAll(async () => {
  db = await createSchema();
});
afterAll(async () => {
  await db.drop();
});

describe('PostgreSQL Trigger examples', () => {
  it.each(postgresTrigger.examples.map((example) => [example.title, example] as const))('%s', async (_title, example) => {
    expect(saveProblems(example.flow, registry)).toEqual([]);
    await db.sql(`TRUNCATE ${db.name}.orders`);
    await db.sql(`INSERT INTO ${db.name}.orders (id, amount) VALUES (1, 9.5), (2, 20)`);
    const ctx = createTriggerContext({ secrets: { PG_PASSWORD: '' } });
    const written = triggerProps(example.flow, registry, (template) => ctx.render(template));
    // The example's database, pointed at this machine's PostgreSQL and the test's own schema.
    const props = {
      ...written,
      url: String(written.url).replace('localhost', '127.0.0.1'),
      sql: String(written.sql).replaceAll('public.', `${db.name}.`),
      ...(written.afterSQL === undefined ? {} : { afterSQL: String(written.afterSQL).replaceAll('public.', `${db.name}.`) }),
    } as PostgresTriggerProps;

    const { starts } = await postgresTrigger.poll(ctx, props, undefined);
    expect(starts).toHaveLength(1);
    const variables = starts[0]?.variables as Record<string, unknown>;
    expect(variables).toMatchObject(example.expect?.triggerVariables ?? {});
    expect(ctx.render(logMessageOf(example.flow, registry), { trigger: variables })).toBe(example.expect?.logs?.[0]?.message);
  });
});
