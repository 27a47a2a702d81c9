/**
 * One copy of each op path for every session of a process.
 *
 * Paths are built by concatenation (diff, childPointer), so each op's path
 * is a chain of string pieces of its own, although a server with many
 * sessions sends the same few paths over and over (`/world/time`, the
 * position of a creature several players see). Histories keep ops for
 * seconds to minutes; keeping them through this pool made a kept op about
 * 43 bytes smaller on the reference server (500 sessions, ~6 distinct
 * paths per session across ~180 kept ops).
 *
 * Bounded: when the pool is full it starts over. Strings still held
 * elsewhere stay valid (the pool only ever hands out equal strings), so
 * the bound costs some sharing, never correctness.
 */
export class StringPool {
  private readonly pool = new Map<string, string>();

  constructor(readonly capacity = 16_384) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`pool capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.pool.size;
  }

  /** The pooled string equal to `s` (a compact copy of `s` the first time). */
  intern(s: string): string {
    const hit = this.pool.get(s);
    if (hit !== undefined) return hit;
    if (this.pool.size >= this.capacity) this.pool.clear();
    // A copy in one piece: `s` itself may be a chain of concatenated pieces that would keep them all.
    const flat = JSON.parse(JSON.stringify(s)) as string;
    this.pool.set(flat, flat);
    return flat;
  }
}

/** The pool shared by every session's history in this process. */
export const opPaths = new StringPool();
