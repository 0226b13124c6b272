import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { readRedisSettings, redisSettingWarnings } from './redis-settings.js';

/** Reads the settings of the real Redis on 127.0.0.1:6379 (INFO and CONFIG GET only: nothing is changed). */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('redisSettingWarnings', () => {
  const safe = { maxmemoryPolicy: 'noeviction', aofEnabled: true, savePoints: '', appendfsync: 'everysec' };

  it('says nothing of a Redis that evicts nothing and keeps an append-only file fsynced every second or always', () => {
    expect(redisSettingWarnings(safe)).toEqual([]);
    expect(redisSettingWarnings({ ...safe, appendfsync: 'always' })).toEqual([]);
  });

  it('warns of an eviction policy, naming it and the setting to use', () => {
    const [warning, ...rest] = redisSettingWarnings({ ...safe, maxmemoryPolicy: 'volatile-lru' });
    expect(rest).toEqual([]);
    expect(warning).toMatch(/maxmemory-policy is volatile-lru: .*executions are lost; set maxmemory-policy noeviction/);
  });

  it('warns of a Redis that keeps nothing, or only snapshots, or leaves the fsync to the system', () => {
    expect(redisSettingWarnings({ ...safe, aofEnabled: false, savePoints: '' })).toEqual([expect.stringMatching(/keeps nothing on disk .*set appendonly yes/)]);
    expect(redisSettingWarnings({ ...safe, aofEnabled: false, savePoints: '3600 1 300 100' })).toEqual([expect.stringMatching(/RDB snapshots only \(save 3600 1 300 100\).*set appendonly yes/)]);
    expect(redisSettingWarnings({ ...safe, appendfsync: 'no' })).toEqual([expect.stringMatching(/appendfsync is no: .*set appendfsync everysec/)]);
  });

  it('says so when a setting cannot be read (a managed Redis refusing CONFIG), rather than assuming it safe', () => {
    expect(redisSettingWarnings({})).toEqual([expect.stringMatching(/maxmemory-policy could not be read/), expect.stringMatching(/persistence could not be read/)]);
  });
});

describe('readRedisSettings', () => {
  const client = new Redis(REDIS_URL, { connectionName: `sluice-test-settings-${randomBytes(3).toString('hex')}` });
  afterAll(() => client.disconnect());

  it('reads what the real Redis is set to', async () => {
    const settings = await readRedisSettings(client);
    const policy = String(((await client.config('GET', 'maxmemory-policy')) as string[])[1]);
    const aof = String(((await client.config('GET', 'appendonly')) as string[])[1]);
    expect(settings.maxmemoryPolicy).toBe(policy);
    expect(settings.aofEnabled).toBe(aof === 'yes');
    expect(typeof settings.savePoints).toBe('string');
  });
});
