import { describe, expect, it } from 'vitest';
import { newId } from '@sluice/engine';
import { aLogEntry } from './builders.js';
import type { ContractContext } from './harness.js';

/** LogRepository: order of appending, per execution, filters. */
export function describeLogRepository(ctx: ContractContext): void {
  describe('logs', () => {
    it('lists an execution’s entries in the order appended, across calls', async () => {
      const [a, b] = [newId(), newId()];
      const logs = ctx.runtime.logs;
      const batch1 = [aLogEntry(a, { message: '1' }), aLogEntry(b, { message: 'other' }), aLogEntry(a, { message: '2' })];
      const batch2 = [aLogEntry(a, { message: '3' })];
      await logs.append(batch1);
      await logs.append(batch2);
      expect(await logs.list(a)).toEqual([batch1[0], batch1[2], batch2[0]]);
      expect(await logs.list(b)).toEqual([batch1[1]]);
    });

    it('filters by minimum level', async () => {
      const id = newId();
      const entries = (['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const).map((level) => aLogEntry(id, { level, message: level }));
      await ctx.runtime.logs.append(entries);
      const levels = async (minLevel: (typeof entries)[number]['level']) =>
        (await ctx.runtime.logs.list(id, { minLevel })).map((e) => e.level);
      expect(await levels('WARN')).toEqual(['WARN', 'ERROR']);
      expect(await levels('TRACE')).toEqual(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']);
      expect(await levels('ERROR')).toEqual(['ERROR']);
    });

    it('filters by task id and task run id, combined with the level', async () => {
      const id = newId();
      const entries = [
        aLogEntry(id, { taskId: 'first', taskRunId: 'r1', level: 'INFO' }),
        aLogEntry(id, { taskId: 'first', taskRunId: 'r2', level: 'ERROR' }),
        aLogEntry(id, { taskId: 'second', taskRunId: 'r3', level: 'ERROR' }),
        aLogEntry(id, { taskId: undefined, taskRunId: undefined, triggerId: 'webhook', level: 'INFO' }),
      ];
      await ctx.runtime.logs.append(entries);
      expect(await ctx.runtime.logs.list(id, { taskId: 'first' })).toEqual([entries[0], entries[1]]);
      expect(await ctx.runtime.logs.list(id, { taskRunId: 'r3' })).toEqual([entries[2]]);
      expect(await ctx.runtime.logs.list(id, { taskId: 'first', minLevel: 'WARN' })).toEqual([entries[1]]);
      expect(await ctx.runtime.logs.list(id, { taskId: 'first', taskRunId: 'r3' })).toEqual([]);
      expect(await ctx.runtime.logs.list(id, {})).toHaveLength(4);
    });

    it('lists nothing for an execution without logs, and accepts an empty append', async () => {
      await ctx.runtime.logs.append([]);
      expect(await ctx.runtime.logs.list(newId())).toEqual([]);
    });
  });
}
