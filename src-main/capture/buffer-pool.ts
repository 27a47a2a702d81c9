/**
 * ArrayBuffers given back by a finished pass over a capture, kept for the
 * next one. Memory touched for the first time is what a cold open pays most
 * for after the reads themselves: on the benchmark machine (a VM) every
 * fresh 4 KiB page costs some 10 µs to fault in, and a million-record open
 * fills about 4 MiB of per-session positions and a few MiB of index chunks —
 * some 2,000 faults, 20 ms. Buffers that come back are handed out again by
 * exact size (every user asks for a few fixed sizes), up to a total kept.
 *
 * A buffer from take() holds whatever its last user left: callers write
 * before they read. Give a buffer back only when nothing can read it again.
 */
export class BufferPool {
  private readonly bySize = new Map<number, ArrayBuffer[]>();
  private kept = 0;

  constructor(private readonly maxBytes: number) {}

  /** A buffer of exactly `bytes`: one given back earlier, or a new one. */
  take(bytes: number): ArrayBuffer {
    const list = this.bySize.get(bytes);
    const b = list?.pop();
    if (b) {
      this.kept -= bytes;
      return b;
    }
    return new ArrayBuffer(bytes);
  }

  /** Keeps `b` for a later take() of its size, unless the pool is full (then it is left to the GC). */
  give(b: ArrayBuffer): void {
    if (this.kept + b.byteLength > this.maxBytes) return;
    let list = this.bySize.get(b.byteLength);
    if (!list) this.bySize.set(b.byteLength, (list = []));
    if (list.includes(b)) return;
    list.push(b);
    this.kept += b.byteLength;
  }

  /** Bytes held for reuse. */
  get bytes(): number {
    return this.kept;
  }
}

/**
 * The pool the capture passes share: position slabs (session-positions.ts)
 * and index-file chunks (index-writer.ts). 24 MiB: what a pass over a
 * capture of several million records takes, at most.
 */
export const passBuffers = new BufferPool(24 << 20);
