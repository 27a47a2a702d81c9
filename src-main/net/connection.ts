/**
 * A UP/2.0 connection over one TCP socket: framing, sequence numbers, keys,
 * request/response pairing, heartbeats, the idle timeout, and the error
 * semantics of spec §6. Both peers (and the proxy's decrypting side) use it.
 *
 * It knows nothing of logins or game state: those belong to the session
 * layers above (server.ts, client.ts).
 */
import type { Socket } from 'node:net';
import {
  DEFAULT_MAX_PAYLOAD,
  Flag,
  FrameDecoder,
  FrameEncoder,
  MessageType,
  ProtocolError,
  Timing,
  typeName,
  messageByCode,
  type DecodedFrame,
  type Direction,
  type ErrorCode,
  type Priority,
} from '../../src-shared/protocol';
import { codecPorts, type CodecPorts } from './ports';
import { ConnectionClosedError, RemoteError, RequestTimeoutError } from './errors';
import { sharedTicker, type Ticker } from './ticker';

export type Role = 'client' | 'server';

export interface ConnectionOptions {
  readonly role: Role;
  /** Largest payload we accept (checked from each header). */
  readonly maxPayload: number;
  /** Largest payload the peer accepts (from its handshake); sends above it fail. */
  readonly peerMaxPayload: number;
  readonly idleTimeoutMs: number;
  readonly heartbeatAfterMs: number;
  readonly requestTimeoutMs: number;
  /** Close the connection when this many bytes wait in the socket's write buffer (a peer that stopped reading). */
  readonly maxWriteBuffer: number;
  readonly ports: CodecPorts;
  readonly ticker: Ticker;
}

export interface SendOptions {
  readonly priority?: Priority;
  /** Makes it a RESPONSE to the frame with this seq. */
  readonly ref?: number;
}

interface Pending {
  readonly type: string;
  /** Runs synchronously when the response is dispatched, before any later frame is decoded (key installation). */
  readonly onResponse?: (f: DecodedFrame) => void;
  readonly resolve: (f: DecodedFrame) => void;
  readonly reject: (e: Error) => void;
  readonly deadline: number;
}

const ERROR = MessageType.ERROR;
const HEARTBEAT = MessageType.HEARTBEAT;

export class FramedConnection {
  readonly role: Role;
  readonly remote: string;
  private readonly opts: ConnectionOptions;
  private readonly encoder: FrameEncoder;
  private readonly decoder: FrameDecoder;
  private sendSeq = 0;
  private readonly pending = new Map<number, Pending>();
  private corked = false;
  private untick: (() => void) | null;
  private heartbeatsOn = false;
  private closing: string | null = null;
  lastReceived = Date.now();
  lastSent = Date.now();
  framesIn = 0;
  framesOut = 0;

  /** Requests and pushes from the peer (not responses to our requests, not heartbeats). */
  onMessage: (frame: DecodedFrame) => void = () => {};
  /** A frame the codec refused; already answered or acted on per spec §6. */
  onProtocolError: (error: ProtocolError) => void = () => {};
  /** A RESPONSE whose ref matches no request of ours. */
  onStrayResponse: (frame: DecodedFrame) => void = () => {};
  onClose: (reason: string) => void = () => {};
  /** Decides whether a request or push from the peer is processed at all (rate limits); heartbeats included. */
  admit: ((frame: DecodedFrame) => boolean) | null = null;

  constructor(
    readonly socket: Socket,
    options: Readonly<Partial<ConnectionOptions>> & { role: Role },
  ) {
    this.opts = {
      role: options.role,
      maxPayload: options.maxPayload ?? DEFAULT_MAX_PAYLOAD,
      peerMaxPayload: options.peerMaxPayload ?? DEFAULT_MAX_PAYLOAD,
      idleTimeoutMs: options.idleTimeoutMs ?? Timing.IDLE_TIMEOUT_MS,
      heartbeatAfterMs: options.heartbeatAfterMs ?? Timing.HEARTBEAT_AFTER_MS,
      requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
      maxWriteBuffer: options.maxWriteBuffer ?? 16 << 20,
      ports: options.ports ?? codecPorts,
      ticker: options.ticker ?? sharedTicker,
    };
    this.role = options.role;
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    const sendDir: Direction = this.role === 'client' ? 1 : 2;
    const recvDir: Direction = this.role === 'client' ? 2 : 1;
    this.encoder = new FrameEncoder({
      aead: this.opts.ports.aead,
      compressor: this.opts.ports.compressor,
      direction: sendDir,
      maxPayload: this.opts.peerMaxPayload,
    });
    this.decoder = new FrameDecoder({
      aead: this.opts.ports.aead,
      compressor: this.opts.ports.compressor,
      direction: recvDir,
      maxPayload: this.opts.maxPayload,
    });
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 10_000);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (e) => this.closed(`socket error: ${e.message}`));
    socket.on('close', () => this.closed(this.closing ?? 'closed by peer'));
    socket.on('end', () => {
      if (!this.closing) this.closing = 'closed by peer';
      socket.end();
    });
    this.untick = this.opts.ticker.add((now) => this.tick(now));
  }

  get isOpen(): boolean {
    return this.closing === null && !this.socket.destroyed;
  }

  get encrypted(): boolean {
    return this.encoder.encrypting;
  }

  /** Keys of spec §4.1, installed right after the handshake frame of each side. */
  setKeys(sendKey: Uint8Array | null, receiveKey: Uint8Array | null): void {
    this.encoder.setKey(sendKey);
    this.decoder.setKey(receiveKey, receiveKey !== null);
  }

  /** Start sending heartbeats when idle (after the handshake; seq 1 belongs to HANDSHAKE). */
  enableHeartbeats(): void {
    this.heartbeatsOn = true;
  }

  get nextSendSeq(): number {
    return this.sendSeq + 1;
  }

  /** Sends one frame; returns its seq. Throws ProtocolError FRAME_TOO_LARGE for a body over the peer's limit. */
  send(type: number, body: object | string | Uint8Array, opts: SendOptions = {}): number {
    if (!this.isOpen) throw new ConnectionClosedError(this.closing ?? 'socket destroyed');
    const seq = ++this.sendSeq;
    const frame = this.encoder.encode({
      type,
      seq,
      ref: opts.ref ?? 0,
      response: opts.ref !== undefined,
      priority: opts.priority ?? 2,
      body,
    });
    this.write(frame);
    return seq;
  }

  /** Answers a request of the peer with a RESPONSE frame (ref = its seq). */
  reply(request: DecodedFrame, type: number, body: object, priority?: Priority): number {
    return this.send(type, body, { ref: request.header.seq, ...(priority !== undefined ? { priority } : {}) });
  }

  /** A non-fatal ERROR: a RESPONSE to `request` when given, else with ref 0. */
  sendError(request: { header: { seq: number } } | null, code: ErrorCode, message: string): void {
    if (!this.isOpen) return;
    const body = { code, message, fatal: false };
    if (request) this.send(ERROR, body, { ref: request.header.seq, priority: 0 });
    else this.send(ERROR, body, { priority: 0 });
  }

  /** Sends a request and resolves with its RESPONSE; an ERROR response rejects with RemoteError. */
  request(
    type: number,
    body: object,
    opts: { priority?: Priority; timeoutMs?: number; onResponse?: (f: DecodedFrame) => void } = {},
  ): Promise<DecodedFrame> {
    return new Promise<DecodedFrame>((resolve, reject) => {
      let seq: number;
      try {
        seq = this.send(type, body, opts.priority !== undefined ? { priority: opts.priority } : {});
      } catch (e) {
        reject(e as Error);
        return;
      }
      this.pending.set(seq, {
        type: typeName(type),
        ...(opts.onResponse ? { onResponse: opts.onResponse } : {}),
        resolve,
        reject,
        deadline: Date.now() + (opts.timeoutMs ?? this.opts.requestTimeoutMs),
      });
    });
  }

  /**
   * Spec §6 fatal error: send ERROR with fatal true (when the stream still
   * allows it), then close.
   */
  fatal(code: ErrorCode, message: string): void {
    if (!this.isOpen) return;
    try {
      this.send(ERROR, { code, message, fatal: true }, { priority: 0 });
    } catch {
      // the error frame itself could not be built; close anyway
    }
    this.close(`${code}: ${message}`);
  }

  /** Graceful close: flush what is written, then FIN. */
  close(reason: string): void {
    if (this.closing) return;
    this.closing = reason;
    this.uncork();
    this.socket.end();
    // A peer that never closes its side must not hold the socket forever.
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  /** Immediate close (RST when possible), e.g. for a hostile peer. */
  destroy(reason: string): void {
    if (!this.closing) this.closing = reason;
    this.socket.resetAndDestroy();
  }

  private write(frame: Uint8Array): void {
    this.framesOut++;
    this.lastSent = Date.now();
    // Frames written in the same tick leave in one syscall.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => this.uncork());
    }
    this.socket.write(frame);
    if (this.socket.writableLength > this.opts.maxWriteBuffer) {
      this.destroy(`peer is not reading (${this.socket.writableLength} bytes waiting)`);
    }
  }

  private uncork(): void {
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
  }

  private receive(chunk: Buffer): void {
    this.lastReceived = Date.now();
    this.decoder.push(chunk);
    for (;;) {
      if (this.closing) return;
      const r = this.decoder.next();
      if (r === undefined) return;
      if (r instanceof ProtocolError) this.handleDecodeError(r);
      else this.dispatch(r);
    }
  }

  private handleDecodeError(e: ProtocolError): void {
    this.onProtocolError(e);
    if (e.fatal) {
      this.fatal(e.code, e.detail);
      return;
    }
    const f = e.frame;
    if (f && f.flags & Flag.RESPONSE) {
      // A malformed answer to one of our requests: fail that request, the session goes on.
      const p = this.pending.get(f.ref);
      if (p) {
        this.pending.delete(f.ref);
        p.reject(e);
      }
      return;
    }
    // Answer what may have been a request (an unknown type might be one); others get ref 0.
    const def = f ? messageByCode(f.type) : undefined;
    const wasRequest = f !== undefined && (def === undefined || def.isRequest);
    this.sendError(wasRequest ? { header: { seq: f.seq } } : null, e.code, e.detail);
  }

  private dispatch(frame: DecodedFrame): void {
    this.framesIn++;
    const h = frame.header;
    if (h.flags & Flag.RESPONSE) {
      const p = this.pending.get(h.ref);
      if (!p) {
        this.onStrayResponse(frame);
        return;
      }
      this.pending.delete(h.ref);
      if (h.type === ERROR) {
        const b = frame.body as { code: ErrorCode; message: string; fatal: boolean };
        p.reject(new RemoteError(b.code, b.message, b.fatal));
      } else {
        if (p.onResponse) {
          try {
            p.onResponse(frame);
          } catch (e) {
            p.reject(e as Error);
            return;
          }
        }
        p.resolve(frame);
      }
      return;
    }
    if (this.admit && !this.admit(frame)) return;
    if (h.type === HEARTBEAT) {
      this.reply(frame, HEARTBEAT, { t: (frame.body as { t: number }).t }, 0);
      return;
    }
    this.onMessage(frame);
  }

  private tick(now: number): void {
    if (!this.isOpen) return;
    if (now - this.lastReceived > this.opts.idleTimeoutMs) {
      this.close(`idle: nothing received for ${this.opts.idleTimeoutMs} ms`);
      return;
    }
    for (const [seq, p] of this.pending) {
      if (now > p.deadline) {
        this.pending.delete(seq);
        p.reject(new RequestTimeoutError(p.type, this.opts.requestTimeoutMs));
      }
    }
    if (this.heartbeatsOn && now - this.lastSent >= this.opts.heartbeatAfterMs) {
      this.request(HEARTBEAT, { t: now }, { priority: 0 }).catch(() => {
        // a lost heartbeat shows up as the idle timeout
      });
    }
  }

  private closed(reason: string): void {
    if (this.untick) {
      this.untick();
      this.untick = null;
    } else {
      return;
    }
    if (!this.closing) this.closing = reason;
    const err = new ConnectionClosedError(this.closing);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.socket.destroy();
    this.onClose(this.closing);
  }
}

