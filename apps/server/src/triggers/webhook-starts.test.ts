import { describe, expect, it } from 'vitest';
import pino from 'pino';
import type { Runtime, TriggerKey } from '@sluice/engine';
import { createMemoryRuntime } from '@sluice/runtime-memory';
import { startWebhookStarts } from './webhook-starts.js';

const key = (triggerId: string): TriggerKey => ({ tenantId: 'main', namespace: 'company.team', flowId: 'hooked', triggerId });

describe('webhook starts', () => {
  it('writes one note per trigger per flush, with the count and the newest execution, and keeps counts a failed write did not store', async () => {
    const runtime = createMemoryRuntime();
    let writes = 0;
    let failNext = false;
    const triggers: Runtime['triggers'] = {
      ...runtime.triggers,
      async noteStarts(k, note) {
        writes++;
        if (failNext) {
          failNext = false;
          throw new Error('the store is down');
        }
        return runtime.triggers.noteStarts(k, note);
      },
    };
    const starts = startWebhookStarts({ triggers }, pino({ level: 'silent' }), 60_000);
    try {
      for (const id of ['e1', 'e2', 'e3']) starts.record(key('a'), id);
      starts.record(key('b'), 'f1');
      await starts.flush();
      expect(writes).toBe(2);
      expect(await runtime.triggers.get(key('a'))).toMatchObject({ executions: 3, lastExecutionId: 'e3' });
      expect(await runtime.triggers.get(key('b'))).toMatchObject({ executions: 1, lastExecutionId: 'f1' });
      failNext = true;
      starts.record(key('a'), 'e4');
      await starts.flush();
      starts.record(key('a'), 'e5');
      await starts.close();
      expect(await runtime.triggers.get(key('a'))).toMatchObject({ executions: 5, lastExecutionId: 'e5' });
    } finally {
      await runtime.close();
    }
  });
});
