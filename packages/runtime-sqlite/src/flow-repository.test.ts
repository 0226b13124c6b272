import { afterAll, describe, expect, it } from 'vitest';
import { aFlowToSave } from '@sluice/runtime-contract';
import { createSqliteRuntime } from './index.js';
import { tempDirs } from './test-support.js';

const dirs = tempDirs('flow-repository');
afterAll(() => dirs.cleanup());

describe('the SQLite runtime\'s flow revisions', () => {
  it('parses a revision once and hands out the same frozen object after, as a worker reads it per execution', async () => {
    const runtime = createSqliteRuntime({ dir: dirs.next() });
    try {
      const first = await runtime.flows.save(aFlowToSave({ source: 'id: hello # one' }));
      const key = { tenantId: first.tenantId, namespace: first.namespace, id: first.id };
      const read = await runtime.flows.getRevision(key, first.revision);
      expect(read).toEqual(first);
      expect(await runtime.flows.getRevision(key, first.revision)).toBe(read);
      expect(Object.isFrozen(read?.tasks[0])).toBe(true);
      // A new revision is another entry; the first is still the one read before.
      const second = await runtime.flows.save(aFlowToSave({ source: 'id: hello # two' }));
      expect((await runtime.flows.getRevision(key, second.revision))?.source).toBe('id: hello # two');
      expect(await runtime.flows.getRevision(key, first.revision)).toBe(read);
      expect(await runtime.flows.getRevision(key, 99)).toBeUndefined();
    } finally {
      await runtime.close();
    }
  });
});
