import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../model/execution.js';
import { createTaskLogger, minLevelOf } from './task-logger.js';

const base = { tenantId: 'main', namespace: 'n', flowId: 'f', executionId: 'e', taskId: 't', taskRunId: 'r', attemptNumber: 1 };

function setup(options: { minLevel?: 'WARN'; maxBuffer?: number; fail?: boolean } = {}) {
  const stored: LogEntry[][] = [];
  const secrets = new Set<string>();
  const logger = createTaskLogger({
    line: (timestamp, level, message) => ({ ...base, timestamp, level, message }),
    now: () => new Date('2024-01-01T00:00:00.000Z'),
    ...(options.minLevel ? { minLevel: options.minLevel } : {}),
    ...(options.maxBuffer ? { maxBuffer: options.maxBuffer } : {}),
    mask: (text) => [...secrets].reduce((t, s) => t.split(s).join('******'), text),
    append: async (entries) => {
      if (options.fail) throw new Error('store down');
      stored.push([...entries]);
    },
  });
  return { logger, stored, secrets };
}

describe('task logger', () => {
  it('buffers lines until flushed, tagged with the run ids', async () => {
    const { logger, stored } = setup();
    logger.info('one');
    logger.error('two');
    expect(stored).toEqual([]);
    await logger.flush();
    expect(stored).toEqual([[
      { ...base, timestamp: '2024-01-01T00:00:00.000Z', level: 'INFO', message: 'one' },
      { ...base, timestamp: '2024-01-01T00:00:00.000Z', level: 'ERROR', message: 'two' },
    ]]);
    await logger.flush();
    expect(stored).toHaveLength(1);
  });

  it('flushes in batches when the buffer fills, keeping order', async () => {
    const { logger, stored } = setup({ maxBuffer: 2 });
    for (const m of ['a', 'b', 'c', 'd', 'e']) logger.info(m);
    await logger.flush();
    expect(stored.map((batch) => batch.map((e) => e.message))).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('masks at flush time, so a secret read after the line was written is still masked', async () => {
    const { logger, stored, secrets } = setup();
    logger.info('value hunter22');
    secrets.add('hunter22');
    await logger.flush();
    expect(stored[0]?.[0]?.message).toBe('value ******');
  });

  it('drops lines below the minimum level and stores an unknown level as INFO', async () => {
    const { logger, stored } = setup({ minLevel: 'WARN' });
    logger.debug('quiet');
    logger.warn('loud');
    logger.log('SHOUT' as never, 'odd');
    await logger.flush();
    expect(stored[0]?.map((e) => e.message)).toEqual(['loud']);
    const plain = setup();
    plain.logger.log('SHOUT' as never, 'odd');
    await plain.logger.flush();
    expect(plain.stored[0]?.[0]?.level).toBe('INFO');
  });

  it('reports a store failure on flush', async () => {
    const { logger } = setup({ fail: true });
    logger.info('x');
    await expect(logger.flush()).rejects.toThrow('store down');
  });

  it('hands the rest over on take, masked, once the batches stored mid-task are in', async () => {
    const { logger, stored, secrets } = setup({ maxBuffer: 2 });
    logger.info('a');
    logger.info('b');
    logger.info('c with s3cret');
    secrets.add('s3cret');
    const rest = await logger.take();
    expect(stored.map((batch) => batch.map((e) => e.message))).toEqual([['a', 'b']]);
    expect(rest.map((e) => e.message)).toEqual(['c with ******']);
    expect(await logger.take()).toEqual([]);
  });

  it('reports a failed batch on take', async () => {
    const { logger } = setup({ maxBuffer: 1, fail: true });
    logger.info('a');
    await expect(logger.take()).rejects.toThrow('store down');
  });

  it('reads a task logLevel', () => {
    expect(minLevelOf('warn')).toBe('WARN');
    expect(minLevelOf('LOUD')).toBeUndefined();
    expect(minLevelOf(undefined)).toBeUndefined();
  });
});
