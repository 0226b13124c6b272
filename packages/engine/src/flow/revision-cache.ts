import { deepFreeze } from '../support/deep-freeze.js';
import { LruCache } from '../support/lru-cache.js';
import type { FlowRevision } from './flow.types.js';

/** Revisions kept at least, whatever the number of flows. */
const MIN_CAPACITY = 1000;

/**
 * Parsed flow revisions by (flow hash, revision number), least recently used dropped first.
 * A revision never changes once written (a save makes a new number, a deletion too), so an
 * entry never goes stale: the worker reads and parses a flow once, not once per execution, and
 * a webserver's periodic reload of every flow fetches only the revisions it has not seen.
 *
 * Entries are deep-frozen because they are shared. The capacity grows to twice the number of
 * live flows last listed, so a reload never evicts what it is about to read again.
 */
export class RevisionCache {
  private readonly entries = new LruCache<FlowRevision>(MIN_CAPACITY);

  get(hash: string, revision: number): FlowRevision | undefined {
    return this.entries.get(`${hash}\u0000${revision}`);
  }

  set(hash: string, flow: FlowRevision): FlowRevision {
    this.entries.set(`${hash}\u0000${flow.revision}`, deepFreeze(flow));
    return flow;
  }

  /** Makes room for at least twice `flows` entries. */
  fit(flows: number): void {
    this.entries.grow(flows * 2);
  }

  get size(): number {
    return this.entries.size;
  }
}
