/**
 * One client connection through the proxy and its upstream connection.
 * Bytes from each side go through the dialect (cut into messages), are
 * recorded, pass the fault engine, and leave through that direction's
 * outbox. A problem in one session — bad bytes, a dialect error, a peer
 * that stops reading — ends or slows that session only.
 */
import { connect, type Socket } from 'node:net';
import type { MessageRecord } from '../../src-shared/records';
import type { Dir, DialectContext, DialectSession, ProxyMessage, SessionFacts } from './dialect';
import type { FaultDecision } from './faults/engine';
import { Outbox } from './outbox';
import type { Proxy } from './proxy';

export interface ProxySessionInfo {
  readonly id: number;
  readonly client: string;
  readonly upstream: string;
  readonly dialect: string;
  readonly mode: string;
  readonly openedAt: number;
  readonly closedAt: number | null;
  readonly closeReason: string | null;
  readonly facts: SessionFacts;
  readonly messages: { readonly c2s: number; readonly s2c: number };
}

interface PendingRequest {
  readonly id: number;
  readonly time: number;
  readonly type: string;
}

const PAUSE_AT_BYTES = 1 << 20;
const MAX_PENDING_REQUESTS = 10_000;

const now = (): number => performance.timeOrigin + performance.now();

export class ProxySession {
  readonly openedAt = Date.now();
  closedAt: number | null = null;
  closeReason: string | null = null;
  facts: SessionFacts = {};
  readonly upstream: Socket;
  private readonly dialect: DialectSession;
  private readonly out: Record<Dir, Outbox>;
  private readonly pending = new Map<string | number, PendingRequest>();
  private readonly reorder: Record<Dir, { msgs: { msg: ProxyMessage; d: FaultDecision }[]; timer: NodeJS.Timeout | null }> = {
    c2s: { msgs: [], timer: null },
    s2c: { msgs: [], timer: null },
  };
  private readonly bandwidthFreeAt: Record<Dir, number> = { c2s: 0, s2c: 0 };
  private readonly blocked: Record<Dir, boolean> = { c2s: false, s2c: false };
  readonly counts = { c2s: 0, s2c: 0 };
  /** Bytes received since the last whole message, and when that message completed (slowloris detection). */
  private readonly partial = { c2s: 0, s2c: 0 };
  private readonly progressAt = { c2s: Date.now(), s2c: Date.now() };
  private lastVersion: number | null = null;
  /**
   * Records of messages already forwarded, published once the chunk that
   * carried them has been written (two parallel arrays, reused: no object
   * per message for the queue itself).
   */
  private readonly unpublished: MessageRecord[] = [];
  private readonly unpublishedMsgs: ProxyMessage[] = [];
  private publishing = false;
  /** close() ran while records were being published: the close event waits for the rest of them. */
  private closeAfterPublish = false;

  constructor(
    readonly id: number,
    readonly client: Socket,
    private readonly proxy: Proxy,
  ) {
    client.setNoDelay(true);
    this.upstream = connect({ host: proxy.opts.target.host, port: proxy.opts.target.port, noDelay: true });
    this.upstream.setKeepAlive(true, 10_000);
    client.setKeepAlive(true, 10_000);
    const ctx: DialectContext = {
      mode: proxy.opts.mode,
      inject: (dir, bytes, _note) => {
        if (typeof bytes === 'function') this.out[dir].push(null, { thunk: bytes });
        else this.out[dir].push(null, { bytes });
      },
      observe: (msg) => {
        this.handle(msg, true);
        this.publishRecords();
      },
      facts: (f) => {
        this.facts = { ...this.facts, ...f };
        this.proxy.emit('sessionUpdate', this.info());
      },
      abort: (reason) => setImmediate(() => this.close(reason, false)),
    };
    this.dialect = proxy.opts.dialect.createSession(ctx);
    const encode = (msg: ProxyMessage): Uint8Array | null | Promise<Uint8Array | null> => this.dialect.encode(msg);
    // c2s messages travel to the upstream socket; their backpressure pauses the client.
    this.out = {
      c2s: new Outbox(this.upstream, encode, (b) => this.setBlocked('c2s', b), (e) => this.close(`encoding toward the server failed: ${e.message}`, true)),
      s2c: new Outbox(client, encode, (b) => this.setBlocked('s2c', b), (e) => this.close(`encoding toward the client failed: ${e.message}`, true)),
    };
    this.upstream.on('drain', () => this.setBlocked('c2s', false));
    client.on('drain', () => this.setBlocked('s2c', false));
    client.on('data', (chunk: Buffer) => this.receive('c2s', chunk));
    this.upstream.on('data', (chunk: Buffer) => this.receive('s2c', chunk));
    client.on('end', () => this.halfClose('c2s'));
    this.upstream.on('end', () => this.halfClose('s2c'));
    client.on('error', (e) => this.close(`client: ${e.message}`, true));
    this.upstream.on('error', (e) => this.close(`server: ${e.message}`, true));
    client.on('close', () => this.close(this.closeReason ?? 'client closed', false));
    this.upstream.on('close', () => this.close(this.closeReason ?? 'server closed', false));
    this.facts = {
      client: `${client.remoteAddress}:${client.remotePort}`,
      upstream: `${proxy.opts.target.host}:${proxy.opts.target.port}`,
      ...this.facts,
    };
  }

  get open(): boolean {
    return this.closedAt === null;
  }

  info(): ProxySessionInfo {
    return {
      id: this.id,
      client: `${this.client.remoteAddress ?? '?'}:${this.client.remotePort ?? '?'}`,
      upstream: `${this.proxy.opts.target.host}:${this.proxy.opts.target.port}`,
      dialect: this.proxy.opts.dialect.name,
      mode: this.proxy.opts.mode,
      openedAt: this.openedAt,
      closedAt: this.closedAt,
      closeReason: this.closeReason,
      facts: this.facts,
      messages: { ...this.counts },
    };
  }

  /** Bytes this session holds toward each side: queued messages plus the socket's write buffer. */
  buffered(): { c2s: number; s2c: number } {
    return {
      c2s: this.out.c2s.queuedBytes + this.upstream.writableLength,
      s2c: this.out.s2c.queuedBytes + this.client.writableLength,
    };
  }

  /**
   * A peer that sends part of a message and then dribbles or stops (slowloris)
   * holds a socket and a buffer: after `stallMs` without completing one, the
   * session ends.
   */
  checkStall(now: number, stallMs: number): void {
    for (const dir of ['c2s', 's2c'] as const) {
      if (this.partial[dir] > 0 && now - this.progressAt[dir] > stallMs) {
        this.close(`${dir === 'c2s' ? 'client' : 'server'} sent part of a message and nothing to complete it for ${stallMs} ms`, true);
        return;
      }
    }
  }

  /** Backpressure: while one side's outbox or socket is full, stop reading from the side that feeds it. */
  private setBlocked(dir: Dir, blocked: boolean): void {
    const full = blocked || this.out[dir].queuedBytes > PAUSE_AT_BYTES;
    if (full === this.blocked[dir]) return;
    this.blocked[dir] = full;
    const source = dir === 'c2s' ? this.client : this.upstream;
    if (full) source.pause();
    else if (this.open) source.resume();
  }

  private receive(dir: Dir, chunk: Buffer): void {
    if (!this.open) return;
    let msgs: ProxyMessage[];
    this.partial[dir] += chunk.length;
    try {
      msgs = this.dialect.decode(dir, chunk);
    } catch (e) {
      this.close(`the ${this.proxy.opts.dialect.name} dialect failed on ${dir} bytes: ${(e as Error).message}`, true);
      return;
    }
    if (msgs.length) {
      this.partial[dir] = 0;
      this.progressAt[dir] = Date.now();
    }
    // The messages of one chunk leave in one write of one buffer, not a syscall (or a stream
    // request) each; their records, metrics and capture are made after that write, off the messages' path.
    const out = this.out[dir];
    out.beginGather();
    try {
      for (const m of msgs) {
        this.handle(m, false);
        if (!this.open) return;
      }
    } finally {
      out.endGather();
      this.publishRecords();
    }
    if (this.out[dir].queuedBytes > PAUSE_AT_BYTES) this.setBlocked(dir, true);
  }

  /** Publishes the records queued by handle(), in id order (metrics, record store, capture and UI listeners). */
  private publishRecords(): void {
    // A listener that closes the session re-enters through close(): the running loop publishes the rest.
    if (this.publishing) return;
    this.publishing = true;
    try {
      const metrics = this.proxy.metrics;
      const nowMs = Date.now();
      for (let i = 0; i < this.unpublished.length; i++) {
        const record = this.unpublished[i]!;
        const msg = this.unpublishedMsgs[i]!;
        metrics.message(this.id, msg.type, msg.wire.length, msg.error !== undefined, nowMs);
        this.proxy.publish(record, msg, this);
      }
    } finally {
      this.unpublished.length = 0;
      this.unpublishedMsgs.length = 0;
      this.publishing = false;
      if (this.closeAfterPublish) {
        this.closeAfterPublish = false;
        this.proxy.sessionClosed(this);
      }
    }
  }

  /** The capture bytes of a message (the dialect's PDU), built only when a listener asks. */
  pduOf(msg: ProxyMessage): Uint8Array {
    return this.dialect.pdu(msg);
  }

  private handle(msg: ProxyMessage, observedOnly: boolean): void {
    const time = now();
    const id = ++this.proxy.nextRecordId;
    this.counts[msg.dir]++;
    let latencyMs: number | undefined;
    let pairId: number | undefined;
    if (msg.requestKey !== undefined) {
      if (this.pending.size >= MAX_PENDING_REQUESTS) this.pending.delete(this.pending.keys().next().value!);
      this.pending.set(msg.requestKey, { id, time, type: msg.type });
    }
    if (msg.answers !== undefined) {
      const req = this.pending.get(msg.answers);
      if (req) {
        this.pending.delete(msg.answers);
        latencyMs = time - req.time;
        pairId = req.id;
        this.proxy.metrics.latency(this.id, req.type, latencyMs);
        this.proxy.records.linkPair(req.id, id);
      }
    }
    const decision = !observedOnly && msg.forward ? this.proxy.faults.decide(this.id, msg.dir, msg.type) : null;
    this.trackSync(msg);
    // Optional fields assigned, not spread: this runs for every message (spreads allocate twice).
    const record: { -readonly [K in keyof MessageRecord]: MessageRecord[K] } = {
      id,
      session: this.id,
      dir: msg.dir,
      time,
      dialect: this.proxy.opts.dialect.name,
      type: msg.type,
      code: msg.code,
      seq: msg.seq,
      ref: msg.ref,
      flags: msg.flags,
      wireSize: msg.wire.length,
      bodySize: msg.plain?.length ?? 0,
      wire: msg.wire,
    };
    if (latencyMs !== undefined) record.latencyMs = latencyMs;
    if (pairId !== undefined) record.pairId = pairId;
    if (msg.error) record.error = msg.error;
    if (decision?.labels.length) record.faults = decision.labels;
    if (msg.body !== undefined) record.body = msg.body;
    if (msg.plain) record.plain = msg.plain;
    if (decision) for (let i = 0; i < decision.labels.length; i++) this.proxy.metrics.fault();
    this.unpublished.push(record);
    this.unpublishedMsgs.push(msg);
    if (observedOnly || !msg.forward) return;
    if (!decision) {
      this.out[msg.dir].push(msg);
      return;
    }
    // A faulted message may end the session or hold messages back: its record (and those before it) go out first, as they always did.
    this.publishRecords();
    this.applyFaults(msg, decision);
  }

  /** The spec's sync rate, from the server's state batches as they pass. */
  private trackSync(msg: ProxyMessage): void {
    if (msg.dir !== 's2c' || msg.body === undefined) return;
    const b = msg.body as { version?: unknown; from?: unknown; to?: unknown };
    if (msg.type === 'GAME_STATE_SYNC' && typeof b.version === 'number') {
      this.lastVersion = b.version;
    } else if (msg.type === 'GAME_STATE_UPDATE' && typeof b.from === 'number' && typeof b.to === 'number') {
      this.proxy.metrics.syncBatch(this.id, this.lastVersion !== null && b.from !== this.lastVersion);
      this.lastVersion = b.to;
    }
  }

  private applyFaults(msg: ProxyMessage, d: FaultDecision): void {
    const faults = this.proxy.faults;
    if (d.expire) {
      if (!this.dialect.expireSession?.()) this.close('token expiry fault: closed (the dialect cannot expire a token itself)', false);
      return;
    }
    // close / reset after N: the (N+1)th matching message is not forwarded; the session ends instead.
    if (d.close || d.reset) {
      this.endByFault(d);
      return;
    }
    if (d.drop) return;
    let m = msg;
    let transform: ((b: Uint8Array) => Uint8Array) | undefined;
    if (d.corrupt === 'body') {
      const altered = this.dialect.corruptBody?.(msg, faults.offset(msg.plain?.length ?? 0));
      if (altered) m = altered;
      else d.corrupt = 'wire';
    }
    if (d.corrupt === 'wire') {
      const offset = faults.offset(1 << 30);
      transform = (b) => {
        const copy = b.slice();
        const i = offset % copy.length;
        copy[i] = copy[i]! ^ 0xff;
        return copy;
      };
    }
    const t = performance.now();
    let at = d.delayMs > 0 ? t + d.delayMs : 0;
    if (d.bandwidth !== null) {
      const start = Math.max(t, this.bandwidthFreeAt[m.dir], at);
      this.bandwidthFreeAt[m.dir] = start + (m.wire.length * 1000) / d.bandwidth;
      at = this.bandwidthFreeAt[m.dir];
    }
    if (d.reorder) {
      this.holdForReorder(m, d, at, transform);
      return;
    }
    this.out[m.dir].push(m, { at, ...(transform ? { transform } : {}) });
    if (d.duplicate) this.out[m.dir].push(m, { at, ...(transform ? { transform } : {}) });
  }

  private holdForReorder(msg: ProxyMessage, d: FaultDecision, at: number, transform: ((b: Uint8Array) => Uint8Array) | undefined): void {
    const r = this.reorder[msg.dir];
    r.msgs.push({ msg, d });
    const flush = (): void => {
      if (r.timer) clearTimeout(r.timer);
      r.timer = null;
      const batch = this.proxy.faults.shuffle(r.msgs.splice(0));
      for (const { msg: m, d: dd } of batch) {
        this.out[m.dir].push(m, { at, ...(transform ? { transform } : {}) });
        if (dd.duplicate) this.out[m.dir].push(m, { at });
      }
    };
    if (r.msgs.length >= d.reorder!.window) flush();
    else r.timer ??= setTimeout(flush, d.reorder!.holdMs);
  }

  private endByFault(d: FaultDecision): void {
    if (d.reset) {
      this.closeReason = 'reset by fault';
      this.client.resetAndDestroy();
      this.upstream.resetAndDestroy();
    } else {
      this.close('closed by fault', false);
    }
  }

  /** One side finished sending: pass the FIN on once its queued messages are out. */
  private halfClose(from: Dir): void {
    const dest = from === 'c2s' ? this.upstream : this.client;
    const out = this.out[from];
    const finish = (): void => {
      if (out.idle) dest.end();
      else setTimeout(finish, 5);
    };
    finish();
  }

  close(reason: string, hard: boolean): void {
    if (this.closedAt !== null) return;
    // Records of messages handled before the close come before the session's close event.
    this.publishRecords();
    this.closedAt = Date.now();
    this.closeReason ??= reason;
    for (const dir of ['c2s', 's2c'] as const) {
      const r = this.reorder[dir];
      if (r.timer) clearTimeout(r.timer);
    }
    if (hard) {
      this.out.c2s.close();
      this.out.s2c.close();
      this.client.destroy();
      this.upstream.destroy();
    } else {
      // Let what is already queued leave, then close both sides.
      const end = (): void => {
        if (this.out.c2s.idle && this.out.s2c.idle) {
          this.client.end();
          this.upstream.end();
          setTimeout(() => {
            this.client.destroy();
            this.upstream.destroy();
          }, 2000).unref();
        } else setTimeout(end, 5);
      };
      end();
    }
    try {
      this.dialect.close();
    } catch {
      // a dialect's cleanup must not stop the session from closing
    }
    if (this.publishing) this.closeAfterPublish = true;
    else this.proxy.sessionClosed(this);
  }
}
