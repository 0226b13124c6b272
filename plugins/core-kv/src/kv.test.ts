import { describe, expect, it } from 'vitest';
import { isSluiceError } from '@sluice/core';
import { createTaskContext, createTestKv, validateFlow } from '@sluice/plugin-testing';
import plugin, { coerceKvValue, kvDelete, kvErrors, kvGet, kvGetKeys, kvSet } from './index.js';

const codeOf = async (work: () => unknown): Promise<string | undefined> => {
  try {
    await work();
  } catch (error) {
    return isSluiceError(error) ? error.code : `not coded: ${String(error)}`;
  }
  return undefined;
};

describe('kvType', () => {
  it('stores the value as rendered without one, and reads it as the type with one', () => {
    expect(coerceKvValue('k', { a: 1 }, undefined)).toEqual({ a: 1 });
    expect(coerceKvValue('k', { a: 1 }, 'STRING')).toBe('{"a":1}');
    expect(coerceKvValue('k', ' 42.5 ', 'NUMBER')).toBe(42.5);
    expect(coerceKvValue('k', 'TRUE', 'BOOLEAN')).toBe(true);
    expect(coerceKvValue('k', '2024-05-01T10:00:00+02:00', 'DATETIME')).toBe('2024-05-01T08:00:00.000Z');
    expect(coerceKvValue('k', '2024-05-01T10:00', 'DATETIME')).toBe('2024-05-01T10:00:00.000Z');
    expect(coerceKvValue('k', '2024-02-29', 'DATE')).toBe('2024-02-29');
    expect(coerceKvValue('k', 'pt1h', 'DURATION')).toBe('PT1H');
    expect(coerceKvValue('k', '{"n": 12345678901234567890}', 'JSON')).toEqual({ n: 12345678901234567890n });
  });

  it('refuses a value that is not of the type, naming the key and why', () => {
    const cases: [unknown, Parameters<typeof coerceKvValue>[2]][] = [
      ['12abc', 'NUMBER'], ['yes', 'BOOLEAN'], ['yesterday', 'DATETIME'], ['2023-02-29', 'DATE'], ['1 hour', 'DURATION'], ['{bad', 'JSON'],
    ];
    for (const [value, type] of cases) {
      expect(() => coerceKvValue('my_key', value, type)).toThrow(/the value for key 'my_key' is not a valid/);
    }
  });
});

describe('key-value tasks', () => {
  it('Set then Get round-trips in the flow namespace, and another namespace is apart', async () => {
    const kv = createTestKv();
    const ctx = createTaskContext({ kv });
    await kvSet.run(ctx, { key: 'k', value: { rows: [1, 2] } });
    expect(await kvGet.run(ctx, { key: 'k' })).toEqual({ value: { rows: [1, 2] } });
    expect(await kvGet.run(ctx, { key: 'k', namespace: 'company.other' })).toEqual({});
    expect((await kv.get('company.team', 'k'))?.value).toEqual({ rows: [1, 2] });
  });

  it('keeps the type, the description and an expiry from ttl', async () => {
    const kv = createTestKv();
    const before = Date.now();
    await kvSet.run(createTaskContext({ kv }), { key: 'n', value: '7', kvType: 'NUMBER', ttl: 'PT1H', kvDescription: 'seven' });
    const stored = await kv.get('company.team', 'n');
    expect(stored).toMatchObject({ value: 7, type: 'NUMBER', description: 'seven' });
    const expires = Date.parse(stored?.expiresAt ?? '');
    expect(expires).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(expires).toBeLessThan(Date.now() + 3_600_000 + 1);
  });

  it('fails with a code on overwrite: false over an entry, on a missing one with errorOnMissing, and on a bad ttl or key', async () => {
    const ctx = createTaskContext();
    await kvSet.run(ctx, { key: 'k', value: 1 });
    expect(await codeOf(() => kvSet.run(ctx, { key: 'k', value: 2, overwrite: false }))).toBe(kvErrors.codes.KV_KEY_EXISTS);
    expect(await kvGet.run(ctx, { key: 'k' })).toEqual({ value: 1 });
    expect(await codeOf(() => kvGet.run(ctx, { key: 'missing', errorOnMissing: true }))).toBe(kvErrors.codes.KV_KEY_NOT_FOUND);
    expect(await codeOf(() => kvDelete.run(ctx, { key: 'missing', errorOnMissing: true }))).toBe(kvErrors.codes.KV_KEY_NOT_FOUND);
    expect(await codeOf(() => kvSet.run(ctx, { key: 'k', value: 1, ttl: 'PT0S' }))).toBe(kvErrors.codes.KV_INVALID_TTL);
    expect(await codeOf(() => kvSet.run(ctx, { key: '../etc', value: 1 }))).toBe('KV_INVALID_KEY');
    expect(await codeOf(() => kvSet.run(ctx, { key: 'k', value: 'x'.repeat(1024 * 1024 + 1) }))).toBe('KV_VALUE_TOO_LARGE');
  });

  it('Delete says whether there was an entry; GetKeys lists live keys by prefix', async () => {
    const ctx = createTaskContext();
    for (const key of ['b', 'a.one', 'a.two']) await kvSet.run(ctx, { key, value: key });
    expect(await kvGetKeys.run(ctx, { prefix: 'a.' })).toEqual({ keys: ['a.one', 'a.two'] });
    expect(await kvDelete.run(ctx, { key: 'a.one' })).toEqual({ deleted: true });
    expect(await kvDelete.run(ctx, { key: 'a.one' })).toEqual({ deleted: false });
    expect(await kvGetKeys.run(ctx, {})).toEqual({ keys: ['a.two', 'b'] });
  });

  it('refuses at save an unknown property or kvType, at its line', () => {
    const flow = `id: f
namespace: company.team
tasks:
  - id: set
    type: io.kestra.plugin.core.kv.Set
    key: k
    value: v
    kvType: TEXT
    expire: PT1H
`;
    const problems = validateFlow(flow, plugin);
    expect(problems.map((p) => `${p.line} ${p.path}`)).toEqual(expect.arrayContaining(['8 tasks[0].kvType', '9 tasks[0].expire']));
  });
});
