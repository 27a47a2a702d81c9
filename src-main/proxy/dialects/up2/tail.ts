/**
 * Keeps the last `n` bytes of a stream whose frames are being cut off by a
 * FrameSplitter, so that when framing fails in passthrough mode the bytes
 * the splitter held (and dropped) can still be forwarded untouched. `n`
 * never exceeds one partial frame, so this is bounded by the frame limit.
 */
export class StreamTail {
  private chunks: Uint8Array[] = [];
  private held = 0;

  /** Record a chunk pushed into the splitter. */
  push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.held += chunk.length;
  }

  /** The splitter now holds only `pending` bytes: forget everything older. */
  keep(pending: number): void {
    let drop = this.held - pending;
    while (drop > 0 && this.chunks.length) {
      const first = this.chunks[0]!;
      if (first.length <= drop) {
        this.chunks.shift();
        this.held -= first.length;
        drop -= first.length;
      } else {
        this.chunks[0] = first.subarray(drop);
        this.held -= drop;
        drop = 0;
      }
    }
  }

  /** Everything held, as one buffer, and forget it. */
  take(): Uint8Array {
    const out = new Uint8Array(this.held);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    this.chunks = [];
    this.held = 0;
    return out;
  }
}
