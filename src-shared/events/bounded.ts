/**
 * A set and a map that keep only their newest `capacity` entries (oldest
 * inserted first out). Used wherever a peer must remember what it has seen —
 * event ids for idempotent redelivery, client op stamps for resent updates —
 * without letting a long session, or a hostile peer, grow memory without end.
 *
 * Both ride on the insertion order of `Set`/`Map`, so eviction is O(1) and
 * there is no extra bookkeeping per entry.
 */

export class BoundedSet<K> {
  private readonly items = new Set<K>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.items.size;
  }

  has(key: K): boolean {
    return this.items.has(key);
  }

  /** Adds `key`; returns false (and changes nothing) when it was already there. */
  add(key: K): boolean {
    if (this.items.has(key)) return false;
    this.items.add(key);
    if (this.items.size > this.capacity) this.items.delete(this.items.values().next().value as K);
    return true;
  }

  delete(key: K): boolean {
    return this.items.delete(key);
  }

  clear(): void {
    this.items.clear();
  }
}

export class BoundedMap<K, V> {
  private readonly items = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.items.size;
  }

  has(key: K): boolean {
    return this.items.has(key);
  }

  get(key: K): V | undefined {
    return this.items.get(key);
  }

  /** Sets `key` (an update keeps its place in the eviction order). */
  set(key: K, value: V): void {
    const had = this.items.has(key);
    this.items.set(key, value);
    if (!had && this.items.size > this.capacity) this.items.delete(this.items.keys().next().value as K);
  }

  delete(key: K): boolean {
    return this.items.delete(key);
  }

  clear(): void {
    this.items.clear();
  }
}
