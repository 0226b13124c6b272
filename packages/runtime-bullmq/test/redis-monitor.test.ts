import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { monitorRedis, parseMonitorLine } from './redis-monitor.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const KEY = `sluice-test-${randomBytes(4).toString('hex')}-monitor`;
const client = new Redis(REDIS_URL);

afterAll(async () => {
  await client.del(KEY);
  await client.quit();
});

describe('the tests\' MONITOR', () => {
  it('decodes Redis\'s quoting: escapes, bytes as \\xhh, UTF-8 across them', () => {
    expect(parseMonitorLine('1796569880.915089 [0 127.0.0.1:52574] "set" "k" "a \\"q\\" \\\\ \\n\\r\\t" "H\\xc3\\xa9llo \\xf0\\x9f\\x9a\\x80" ""')).toEqual(['set', 'k', 'a "q" \\ \n\r\t', 'Héllo 🚀', '']);
    expect(parseMonitorLine('1.0 [0 lua] "hget" "a b" "c"')).toEqual(['hget', 'a b', 'c']);
    expect(() => parseMonitorLine('1.0 [0 lua] "open')).toThrow(/unterminated/);
  });

  it('sees every command sent after it resolves, with its arguments exact, while Redis is busy with other clients', async () => {
    // Another client keeps Redis writing command lines while each monitor starts: the shape that
    // made ioredis's monitor throw when the first line came in the same read as MONITOR's +OK.
    const busy = client.duplicate();
    let running = true;
    const load = (async () => {
      while (running) await busy.pipeline(Array.from({ length: 50 }, () => ['exists', KEY])).exec();
    })();
    try {
      for (let round = 0; round < 50; round++) {
        const monitor = await monitorRedis(REDIS_URL);
        try {
          const value = `round ${round} "quoted" \\ é 🚀\n`;
          await client.set(KEY, value);
          await vi.waitFor(() => expect(monitor.commands.some((args) => args[0] === 'set' && args[1] === KEY)).toBe(true));
          expect(monitor.commands.find((args) => args[0] === 'set' && args[1] === KEY)).toEqual(['set', KEY, value]);
        } finally {
          monitor.close();
        }
      }
    } finally {
      running = false;
      await load;
      busy.disconnect();
    }
  });

  it('refuses with Redis\'s answer when MONITOR is not acknowledged', async () => {
    const url = new URL(REDIS_URL);
    url.username = 'sluice-no-such-user';
    url.password = 'wrong';
    await expect(monitorRedis(url.toString())).rejects.toThrow(/refused the monitor: -WRONGPASS|refused the monitor: -ERR/);
  });
});
