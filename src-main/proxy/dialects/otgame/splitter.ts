/**
 * Cuts one direction's TCP byte stream into frames. The layout may change
 * between frames (it is learnt from the login packet), so the caller says
 * which one to apply each time it asks for the next frame.
 */
import { bodyLength, type FrameLayout } from './framing';

export class FrameSplitter {
  #buf = new Uint8Array(4096);
  #start = 0;
  #end = 0;

  /** Bytes waiting for the rest of their frame. */
  get buffered(): number {
    return this.#end - this.#start;
  }

  push(chunk: Uint8Array): void {
    if (this.#end + chunk.length > this.#buf.length) {
      const live = this.#end - this.#start;
      const need = live + chunk.length;
      if (need > this.#buf.length) {
        const next = new Uint8Array(Math.max(need, this.#buf.length * 2));
        next.set(this.#buf.subarray(this.#start, this.#end), 0);
        this.#buf = next;
      } else this.#buf.copyWithin(0, this.#start, this.#end);
      this.#start = 0;
      this.#end = live;
    }
    this.#buf.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  /** Whether `chunk` is exactly one whole frame of `layout` (the caller then uses it as it is). */
  isWholeFrame(chunk: Uint8Array, layout: FrameLayout): boolean {
    if (chunk.length < 2) return false;
    return 2 + bodyLength(layout, chunk[0]! | (chunk[1]! << 8)) === chunk.length;
  }

  /** The u16 length field of the next frame, or null while fewer than 2 bytes wait. */
  peekLength(): number | null {
    if (this.#end - this.#start < 2) return null;
    return this.#buf[this.#start]! | (this.#buf[this.#start + 1]! << 8);
  }

  /** The waiting bytes (a view, valid until the next push or take). */
  peek(): Uint8Array {
    return this.#buf.subarray(this.#start, this.#end);
  }

  /** The next whole frame (a copy, length field included), or null until all of it has arrived. */
  next(layout: FrameLayout): Uint8Array | null {
    const len = this.peekLength();
    if (len === null) return null;
    const total = 2 + bodyLength(layout, len);
    if (this.#end - this.#start < total) return null;
    return this.take(total);
  }

  /** Removes and returns the next `n` bytes (a copy). */
  take(n: number): Uint8Array {
    const out = this.#buf.slice(this.#start, this.#start + n);
    this.#start += n;
    if (this.#start === this.#end) this.#start = this.#end = 0;
    return out;
  }

  /** Everything still buffered (a copy), emptying the splitter. */
  drain(): Uint8Array {
    return this.take(this.#end - this.#start);
  }
}
