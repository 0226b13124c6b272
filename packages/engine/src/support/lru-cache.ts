/**
 * A bounded least-recently-used cache: the expression compiler keeps compiled templates in one
 * (a stream of distinct templates, say one per webhook payload, cannot grow memory), and the
 * BullMQ runtime keeps parsed flow revisions in another.
 */
export class LruCache<V> {
  // In the order last inserted, each with the count of inserts when it was (re)inserted.
  private readonly entries = new Map<string, { readonly value: V; seq: number }>();
  private inserts = 0;

  /** @param capacity - Entries kept at most; past it, the least recently used goes. */
  constructor(private capacity: number) {}

  /** Raises the capacity to `capacity` (never lowers it). */
  grow(capacity: number): void {
    this.capacity = Math.max(this.capacity, capacity);
  }

  /**
   * The value under `key`, now among the most recently used; undefined when absent. An entry is
   * moved to the newest end only once it has drifted into the older half (half the capacity of
   * inserts ago): a hit on a recent entry, the common case (a flow's templates rendered task
   * after task), changes nothing. Deleting and setting on every hit churned the long-lived Map's
   * table, which V8 then reallocated young and promoted, over and over (issue 15).
   */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.seq <= this.inserts - this.capacity / 2) {
      this.entries.delete(key);
      entry.seq = ++this.inserts;
      this.entries.set(key, entry);
    }
    return entry.value;
  }

  /** Stores `value` under `key` as the most recently used, dropping the least recently used past the capacity. */
  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, seq: ++this.inserts });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }

  /** How many entries it holds. */
  get size(): number {
    return this.entries.size;
  }

  /** Drops every entry. */
  clear(): void {
    this.entries.clear();
  }
}
