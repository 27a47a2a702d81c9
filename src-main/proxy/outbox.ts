/**
 * One direction's output of a proxy session: messages leave in the order
 * they were queued (like TCP, a delayed message holds back the ones behind
 * it), each no earlier than its release time, encoded by the dialect at
 * release (awaiting it when the dialect needs to, e.g. during the upstream
 * handshake). With no faults and nothing waiting, a message is encoded and
 * written at once — the hot path has no timers and no queue.
 */
import type { Socket } from 'node:net';
import type { ProxyMessage } from './dialect';

export type Encoder = (msg: ProxyMessage) => Uint8Array | null | Promise<Uint8Array | null>;

interface Item {
  readonly msg: ProxyMessage | null;
  readonly thunk: (() => Uint8Array | null) | null;
  bytes: Uint8Array | null | undefined;
  readonly at: number;
  readonly transform: ((b: Uint8Array) => Uint8Array) | null;
  waiting: boolean;
}

export class Outbox {
  private items: Item[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /**
   * While a received chunk is handled, the bytes released toward `dest` are
   * gathered here and leave as one write at endGather(): one buffer and one
   * syscall for the chunk's messages, instead of a stream request per message
   * under cork().
   */
  private gathered: Uint8Array[] | null = null;
  private gatheredBytes = 0;
  /** Bytes queued and not yet written (backpressure). */
  queuedBytes = 0;
  written = 0;

  constructor(
    private readonly dest: Socket,
    private readonly encode: Encoder,
    private readonly onBackpressure: (blocked: boolean) => void,
    private readonly onError: (e: Error) => void,
  ) {}

  /** Nothing queued and nothing gathered: what was released has been handed to the socket. */
  get idle(): boolean {
    return this.head >= this.items.length && !this.gathered?.length;
  }

  /** Starts gathering released bytes (see `gathered`); endGather() writes them. Not nested. */
  beginGather(): void {
    this.gathered ??= [];
  }

  /** Writes what was gathered since beginGather(), as one buffer. */
  endGather(): void {
    const g = this.gathered;
    const total = this.gatheredBytes;
    this.gathered = null;
    this.gatheredBytes = 0;
    if (!g || g.length === 0 || this.closed || this.dest.destroyed) return;
    const bytes = g.length === 1 ? g[0]! : Buffer.concat(g, total);
    if (!this.dest.write(bytes)) this.onBackpressure(true);
  }

  /** Queues a message (or an injected frame) for release at `at` (performance.now() ms). */
  push(
    msg: ProxyMessage | null,
    opts: { at?: number; thunk?: () => Uint8Array | null; bytes?: Uint8Array; transform?: (b: Uint8Array) => Uint8Array } = {},
  ): void {
    if (this.closed) return;
    const at = opts.at ?? 0;
    // Fast path: nothing queued ahead, due now, synchronous encoding.
    if (this.head >= this.items.length && at <= 0 && !opts.thunk && !opts.bytes) {
      const r = msg ? this.safeEncode(msg) : null;
      if (!(r instanceof Promise)) {
        if (r) this.write(opts.transform ? opts.transform(r) : r);
        return;
      }
      this.items.push({ msg, thunk: null, bytes: undefined, at, transform: opts.transform ?? null, waiting: true });
      this.track(msg);
      this.awaitEncoding(this.items[this.items.length - 1]!, r);
      return;
    }
    this.items.push({
      msg,
      thunk: opts.thunk ?? null,
      bytes: opts.bytes,
      at,
      transform: opts.transform ?? null,
      waiting: false,
    });
    this.track(msg);
    this.pump();
  }

  private track(msg: ProxyMessage | null): void {
    if (!msg) return;
    this.queuedBytes += msg.wire.length;
  }

  private safeEncode(msg: ProxyMessage): Uint8Array | null | Promise<Uint8Array | null> {
    try {
      return this.encode(msg);
    } catch (e) {
      this.onError(e as Error);
      return null;
    }
  }

  private awaitEncoding(item: Item, p: Promise<Uint8Array | null>): void {
    item.waiting = true;
    p.then(
      (b) => {
        item.bytes = b;
        item.waiting = false;
        this.pump();
      },
      (e: unknown) => {
        item.bytes = null;
        item.waiting = false;
        this.onError(e as Error);
        this.pump();
      },
    );
  }

  private pump(): void {
    if (this.closed) return;
    const now = performance.now();
    while (this.head < this.items.length) {
      const item = this.items[this.head]!;
      if (item.waiting) return;
      if (item.at > now) {
        if (!this.timer) {
          this.timer = setTimeout(() => {
            this.timer = null;
            this.pump();
          }, Math.ceil(item.at - now));
        }
        return;
      }
      if (item.bytes === undefined) {
        const r = item.thunk ? item.thunk() : item.msg ? this.safeEncode(item.msg) : null;
        if (r instanceof Promise) {
          this.awaitEncoding(item, r);
          return;
        }
        item.bytes = r;
      }
      this.head++;
      if (item.msg) this.queuedBytes -= item.msg.wire.length;
      if (item.bytes) this.write(item.transform ? item.transform(item.bytes) : item.bytes);
    }
    this.items = [];
    this.head = 0;
  }

  private write(bytes: Uint8Array): void {
    if (this.dest.destroyed) return;
    this.written += bytes.length;
    if (this.gathered) {
      this.gathered.push(bytes);
      this.gatheredBytes += bytes.length;
    } else if (!this.dest.write(bytes)) this.onBackpressure(true);
  }

  close(): void {
    this.closed = true;
    this.gathered = null;
    this.gatheredBytes = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.items = [];
    this.head = 0;
    this.queuedBytes = 0;
  }
}
