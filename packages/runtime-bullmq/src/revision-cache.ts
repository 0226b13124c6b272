import type { FlowRevision } from '@sluice/engine';

/** Revisions kept at least, whatever the number of flows. */
const MIN_CAPACITY = 1000;

/** Freezes `value` and everything in it: a cached revision is shared by every caller. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

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
  private readonly entries = new Map<string, FlowRevision>();
  private capacity = MIN_CAPACITY;

  get(hash: string, revision: number): FlowRevision | undefined {
    const key = `${hash}\u0000${revision}`;
    const found = this.entries.get(key);
    if (found !== undefined) {
      // Map order is insertion order: re-inserting marks it most recently used.
      this.entries.delete(key);
      this.entries.set(key, found);
    }
    return found;
  }

  set(hash: string, flow: FlowRevision): FlowRevision {
    const key = `${hash}\u0000${flow.revision}`;
    this.entries.delete(key);
    this.entries.set(key, deepFreeze(flow));
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return flow;
  }

  /** Makes room for at least twice `flows` entries. */
  fit(flows: number): void {
    this.capacity = Math.max(this.capacity, MIN_CAPACITY, flows * 2);
  }

  get size(): number {
    return this.entries.size;
  }
}
