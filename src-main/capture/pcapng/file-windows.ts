/**
 * A sliding window over a file for sequential readers: large reads into two
 * reused buffers, with the next window read ahead (on libuv's thread pool)
 * while the caller works on the current one.
 *
 * Each buffer has room in front of its window: when a block straddles the
 * end of a window, its first bytes are copied there, in front of the bytes
 * read ahead, so the next window starts with the whole block and nothing is
 * read twice. Blocks bigger than that room, and jumps, are read directly.
 *
 * The window's bytes are valid until the next ensure(): callers that keep
 * anything copy it out first. Nothing here trusts a length: callers check a
 * block's length against the limit and the file size before asking for it.
 */
import { type FileHandle } from 'node:fs/promises';

/** Room in front of each window for the start of a block cut by the end of the previous one. */
const CARRY_BYTES = 256 * 1024;

/**
 * Window buffers given back by closed readers, for the next ones: memory
 * that has been used before costs nothing to touch, while a fresh 1.25 MiB
 * buffer is 320 page faults — about 15 ms on the benchmark machine (a VM
 * where a first touch costs some 45 µs a page), once per scan or query.
 * At most POOL_MAX buffers (about 5 MiB) are kept.
 */
const pool: Uint8Array[] = [];
const POOL_MAX = 4;
const POOL_LARGEST = CARRY_BYTES + 4 * 1024 * 1024;

function acquire(size: number): Uint8Array {
  for (let i = 0; i < pool.length; i++) {
    const b = pool[i]!;
    if (b.length >= size && b.length <= 2 * size + CARRY_BYTES) {
      pool.splice(i, 1);
      return b;
    }
  }
  // Not zero-filled (Buffer.allocUnsafeSlow): only bytes that were read are ever handed out.
  // Wrapped as a plain Uint8Array: Buffer's slice() would make views where callers expect copies.
  const raw = Buffer.allocUnsafeSlow(size);
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
}

function release(b: Uint8Array | null): void {
  if (!b || b.length < 64 * 1024 || b.length > POOL_LARGEST || pool.includes(b)) return;
  if (pool.length >= POOL_MAX) pool.shift();
  pool.push(b);
}

interface ReadAhead {
  readonly pos: number;
  /** Bytes asked for: fewer came back only if the file shrank. */
  readonly len: number;
  readonly buf: Uint8Array;
  /** Bytes read into buf at CARRY_BYTES, or the read's error. */
  readonly done: Promise<number | Error>;
}

export class FileWindows {
  /** The current window: the file's bytes from `base`. Valid until the next ensure(). */
  bytes: Uint8Array = new Uint8Array(0);
  base = 0;
  /** Where the file ends as far as this reader knows (it shrinks if a read comes up short). */
  end: number;
  private readonly buffers: (Uint8Array | null)[] = [null, null];
  private current: Uint8Array | null = null;
  private ahead: ReadAhead | null = null;

  constructor(
    private readonly file: FileHandle,
    end: number,
    private readonly windowBytes: number,
  ) {
    this.end = end;
  }

  /** Bytes of the window from absolute offset `at` (0 when `at` is outside it). */
  available(at: number): number {
    return at >= this.base && at <= this.base + this.bytes.length ? this.base + this.bytes.length - at : 0;
  }

  /**
   * Makes the window hold the file's bytes [at, at + need) — fewer only where
   * the file ends — and returns how many bytes from `at` it holds. When it
   * has to read, it reads a window's worth from `at`, but not past `until`
   * (beyond which the caller wants nothing) unless `need` says so; and while
   * the window ends before `until`, it starts reading the next one.
   */
  async ensure(at: number, need: number, until = this.end): Promise<number> {
    if (this.available(at) >= need || at >= this.end) return this.available(at);
    const want = Math.min(Math.max(need, Math.min(this.windowBytes, until - at)), this.end - at);
    const a = this.ahead;
    this.ahead = null;
    if (a && want <= this.windowBytes) {
      const carry = a.pos - at;
      // The window continues into the read-ahead: the unread tail of the current window goes in front of it.
      const continues = carry >= 0 && carry <= CARRY_BYTES && at >= this.base && a.pos === this.base + this.bytes.length;
      if (continues || at >= a.pos) {
        if (continues && carry > 0) a.buf.set(this.bytes.subarray(at - this.base), CARRY_BYTES - carry);
        const got = await a.done;
        if (got instanceof Error) throw got;
        const aheadEnd = a.pos + got;
        if (got < a.len) this.end = aheadEnd; // the file shrank
        if (aheadEnd - at >= need || aheadEnd >= this.end) {
          this.setWindow(a.buf, CARRY_BYTES - carry, CARRY_BYTES + got, at);
          this.startReadAhead(until);
          return this.available(at);
        }
      }
    }
    if (a) await a.done; // a read that is not wanted: let it finish before its buffer is reused
    if (at >= this.end) return 0;
    const buf = want <= this.windowBytes ? this.buffer(this.current === this.buffers[0] ? 1 : 0, want, false) : new Uint8Array(want);
    const start = buf.length >= CARRY_BYTES + want ? CARRY_BYTES : 0;
    const got = await readFully(this.file, buf.subarray(start, start + want), at);
    if (got < want) this.end = at + got;
    this.setWindow(buf, start, start + got, at);
    this.startReadAhead(until);
    return this.available(at);
  }

  /**
   * Done with this file: waits for a read still in flight (its result is not
   * wanted) and gives the buffers back for other readers. Call before the
   * file is closed; the window is empty afterwards.
   */
  async close(): Promise<void> {
    const a = this.ahead;
    this.ahead = null;
    if (a) await a.done;
    this.bytes = new Uint8Array(0);
    this.current = null;
    release(this.buffers[0]!);
    release(this.buffers[1]!);
    this.buffers[0] = this.buffers[1] = null;
  }

  private setWindow(buf: Uint8Array, from: number, to: number, base: number): void {
    this.current = buf;
    this.bytes = buf.subarray(from, to);
    this.base = base;
  }

  private startReadAhead(until: number): void {
    const pos = this.base + this.bytes.length;
    if (pos >= this.end || pos >= until) return;
    const len = Math.min(this.windowBytes, this.end - pos, until - pos);
    // A buffer the current window is not in.
    const buf = this.buffer(this.current === this.buffers[0] ? 1 : 0, this.windowBytes, true);
    const done = readFully(this.file, buf.subarray(CARRY_BYTES, CARRY_BYTES + len), pos).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
    this.ahead = { pos, len, buf, done };
  }

  /**
   * One of the two reused buffers, holding at least `size` bytes (after the
   * carry room when `carry`): a lookup of one record reads a few hundred
   * bytes into a buffer of that size, not a megabyte.
   */
  private buffer(i: number, size: number, carry: boolean): Uint8Array {
    let b = this.buffers[i];
    const needed = (carry ? CARRY_BYTES : 0) + size;
    if (!b || b.length < needed) {
      release(b ?? null);
      b = acquire(needed);
      this.buffers[i] = b;
    }
    return b;
  }
}

/** Reads until `buf` is full or the file ends; returns the bytes read. */
export async function readFully(file: FileHandle, buf: Uint8Array, position: number): Promise<number> {
  let got = 0;
  while (got < buf.length) {
    const { bytesRead } = await file.read(buf, got, buf.length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}
