import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkJsonSchema } from '../../test/fixtures/mini-json-schema.js';
import { testRegistry } from '../../test/fixtures/test-plugins.js';
import { createRegistry } from '../plugins/registry.js';
import { DYNAMIC_KEYWORD } from '@sluice/core';
import { GENERATED_NOTE, flowJsonSchema, writeFlowJsonSchema } from './json-schema.js';

const flows = resolve(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/flows');
const fixture = (name: string): unknown => parse(readFileSync(resolve(flows, name), 'utf8'));
type Json = Record<string, unknown>;

const schema = flowJsonSchema(testRegistry());
const definitions = schema.definitions as { task: { anyOf: Json[] }; trigger: { anyOf: Json[] } };

describe('flowJsonSchema', () => {
  it('says first that it is generated, and is draft-07', () => {
    expect(Object.keys(schema)[0]).toBe('$comment');
    expect(schema.$comment).toBe(GENERATED_NOTE);
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
  });

  it('has one branch per task type and per trigger type, type pinned, aliases included', () => {
    expect(definitions.task.anyOf.map((b) => (b.properties as Json).type)).toEqual([
      { enum: ['io.kestra.plugin.core.log.Log', 'io.kestra.core.tasks.log.Log'], description: 'Log' },
      { const: 'dev.sluice.test.Request', description: 'Request' },
    ]);
    expect(definitions.trigger.anyOf).toHaveLength(1);
    const log = definitions.task.anyOf[0] as Json;
    expect(log.required).toEqual(['id', 'type', 'message']);
    expect(log.additionalProperties).toBe(false);
    expect(Object.keys(log.properties as Json).slice(0, 3)).toEqual(['id', 'type', 'description']);
    // Dynamic fields accept a template in the editor too, and say who renders them.
    const message = (log.properties as Json).message as Json;
    expect(message[DYNAMIC_KEYWORD]).toBe('host');
    expect((message.anyOf as Json[])[1]).toMatchObject({ type: 'string', pattern: '\\{\\{|\\{%' });
  });

  it('validates the seed flow and a flow using every field', () => {
    expect(checkJsonSchema(schema, fixture('seed-flow.yaml'))).toEqual([]);
    expect(checkJsonSchema(schema, fixture('everything.yaml'))).toEqual([]);
  });

  it('refuses what the parser refuses', () => {
    const seed = fixture('seed-flow.yaml') as Json;
    const tasks = seed.tasks as Json[];
    expect(checkJsonSchema(schema, { ...seed, namespace: 'Company.Team' })).toEqual(['/namespace: does not match ^[a-z0-9][a-z0-9._-]*$']);
    expect(checkJsonSchema(schema, { ...seed, tasks: [{ ...tasks[0], mesage: 'x' }] })).toEqual(['/tasks/0: matches no branch of anyOf']);
    expect(checkJsonSchema(schema, { ...seed, tasks: [{ ...tasks[0], type: 'io.kestra.plugin.core.log.Logg' }] })).toHaveLength(1);
    expect(checkJsonSchema(schema, { ...seed, tasks: [] })).toEqual(['/tasks: too few items']);
    expect(checkJsonSchema(schema, { ...seed, extra: 1 })).toEqual(['/: unknown extra']);
  });

  it('falls back to the bare envelope when no plugin of a kind is loaded', () => {
    const empty = flowJsonSchema(createRegistry([]));
    expect(checkJsonSchema(empty, fixture('seed-flow.yaml'))).toEqual([]);
  });

  it('is written as indented JSON by writeFlowJsonSchema', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-schema-'));
    try {
      const path = join(dir, 'flow.schema.json');
      await writeFlowJsonSchema(testRegistry(), path);
      const text = readFileSync(path, 'utf8');
      expect(text.split('\n')[1]).toBe(`  "$comment": ${JSON.stringify(GENERATED_NOTE)},`);
      expect(JSON.parse(text)).toEqual(schema);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
