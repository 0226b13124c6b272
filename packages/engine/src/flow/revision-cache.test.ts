import { describe, expect, it } from 'vitest';
import type { FlowRevision } from './flow.types.js';
import { RevisionCache } from './revision-cache.js';

// A revision as a store hands it out; the cache reads nothing of it but its number.
const aFlowRevision = ({ revision }: { revision: number }): FlowRevision => ({
  tenantId: 'main', namespace: 'company.team', id: 'hello', revision, updated: '2026-12-05T00:00:00.000Z', deleted: false,
  source: 'id: hello', tasks: [{ id: 'log', type: 'io.kestra.plugin.core.log.Log', props: { message: 'hi' } }], variables: {},
} as unknown as FlowRevision);

describe('RevisionCache', () => {
  it('gives back what it was given, frozen all the way down', () => {
    const cache = new RevisionCache();
    const flow = aFlowRevision({ revision: 3 });
    cache.set('h', flow);
    const found = cache.get('h', 3);
    expect(found).toBe(flow);
    expect(Object.isFrozen(found)).toBe(true);
    expect(Object.isFrozen(found?.tasks[0]?.props)).toBe(true);
    expect(() => ((found as { variables: Record<string, unknown> }).variables.x = 1)).toThrow(TypeError);
    expect(cache.get('h', 2)).toBeUndefined();
    expect(cache.get('other', 3)).toBeUndefined();
  });

  it('drops the least recently used past its capacity, and grows to twice the flows listed', () => {
    const cache = new RevisionCache();
    for (let i = 1; i <= 1000; i++) cache.set(`h${i}`, aFlowRevision({ revision: 1 }));
    cache.get('h1', 1);
    cache.set('h1001', aFlowRevision({ revision: 1 }));
    expect(cache.size).toBe(1000);
    expect(cache.get('h1', 1)).toBeDefined();
    expect(cache.get('h2', 1)).toBeUndefined();
    cache.fit(3000);
    for (let i = 1; i <= 6000; i++) cache.set(`g${i}`, aFlowRevision({ revision: 1 }));
    expect(cache.size).toBe(6000);
    expect(cache.get('g1', 1)).toBeDefined();
  });
});
