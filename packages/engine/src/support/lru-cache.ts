/**
 * A bounded least-recently-used cache: the expression compiler keeps compiled templates in one
 * (a stream of distinct templates, say one per webhook payload, cannot grow memory), and the
 * BullMQ runtime keeps parsed flow revisions in another.
 */
export class LruCache<V> {
  private readonly entries = new Map<string, V>();

  /** @param capacity - Entries kept at most; past it, the least recently used goes. */
  constructor(private capacity: number) {}

  /** Raises the capacity to `capacity` (never lowers it). */
  grow(capacity: number): void {
    this.capacity = Math.max(this.capacity, capacity);
  }

  /** The value under `key`, now the most recently used; undefined when absent. */
  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      // Map keeps insertion order: re-inserting marks the entry as the most recently used.
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  /** Stores `value` under `key` as the most recently used, dropping the least recently used past the capacity. */
  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
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
