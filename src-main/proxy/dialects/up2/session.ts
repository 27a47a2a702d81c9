/**
 * UP/2.0 as a proxy dialect.
 *
 * passthrough: frames are cut at their boundaries and forwarded byte for
 * byte; headers are decoded, bodies shown when they are plaintext (the
 * handshake, or a session without encryption) and marked encrypted
 * otherwise. A stream that stops parsing is flagged and from then on
 * forwarded as raw bytes.
 *
 * decrypt: the proxy is the client's server and the server's client. It
 * answers the client's HANDSHAKE with its own identity (which the client
 * must trust), runs its own handshake upstream (pinning the server's
 * identity when told to), and re-encrypts every body for the other leg with
 * that leg's keys and sequence numbers, rewriting `ref` so responses still
 * answer the right request. It enforces the framing rules like a peer:
 * a fatal error from one side ends that session only.
 */
import {
  Flag,
  FrameEncoder,
  FrameSplitter,
  HEADER_SIZE,
  MessageType,
  ProtocolError,
  messageByCode,
  openPayload,
  parseBody,
  priorityOf,
  typeName,
  writeHeader,
  type BodyOf,
  type ErrorCode,
  type FrameHeader,
  type Priority,
  type RawFrame,
  type ResponseOf,
  utf8Encode,
} from '../../../../src-shared/protocol';
import type { Dir, DialectContext, DialectSession, ProxyMessage } from '../../dialect';
import type { MessageRecord, MessageSummary } from '../../../../src-shared/records';
import { acceptServerHello, makeClientHello, makeServerHello, type ClientHello, type IdentityPolicy } from '../../../net/handshake';
import type { KeyPair } from '../../../net/keys';
import { fingerprint } from '../../../net/keys';
import type { CodecPorts } from '../../../net/ports';
import { readJwtClaims, redactBody } from './redact';
import { StreamTail } from './tail';

export interface Up2DialectOptions {
  /** decrypt mode: the identity the proxy presents to clients. */
  readonly identity?: KeyPair;
  /** decrypt mode: how to trust the upstream server (default: accept and report its fingerprint). */
  readonly upstreamIdentity?: IdentityPolicy;
  readonly maxPayload: number;
  readonly ports: CodecPorts;
  /** Redact passwords and tokens in records and captures (default true). */
  readonly redact: boolean;
  /** decrypt mode: let clients that ask for it run without encryption. */
  readonly allowPlaintext?: boolean;
}

/** What encode() and pdu() need of the frame: its header as received (kept as the message's meta as is). */
type Meta = FrameHeader;

type Writable = { -readonly [K in keyof ProxyMessage]?: ProxyMessage[K] };

interface Leg {
  readonly splitter: FrameSplitter;
  readonly tail: StreamTail | null;
  expectSeq: number;
  key: Uint8Array | null;
  encrypted: boolean;
  raw: boolean;
}

const RESPONSE = Flag.RESPONSE;

function namesOf(flags: number): readonly string[] {
  const out: string[] = [];
  if (flags & Flag.RESPONSE) out.push('RESPONSE');
  if (flags & Flag.ENCRYPTED) out.push('ENCRYPTED');
  if (flags & Flag.COMPRESSED) out.push('COMPRESSED');
  out.push(`P${priorityOf(flags)}`);
  return Object.freeze(out);
}

/**
 * The named flags of a flags byte, one frozen array per byte value shared by
 * every record that has it: records are kept by the hundred thousand, and an
 * array each was one more object per message to allocate and to promote.
 */
const FLAG_NAMES: readonly (readonly string[])[] = Array.from({ length: 256 }, (_, f) => namesOf(f));
const flagNames = (flags: number): readonly string[] => FLAG_NAMES[flags & 0xff]!;

/**
 * The key pairing a request with its answer: the request's seq in its
 * sender's numbering, times two, plus one for server requests. Seqs are
 * u32, so keys stay exact integers. In decrypt mode a ref that matches no
 * forwarded request maps to a negative seq, hence a key no request has.
 */
const requestKey = (dir: Dir, seq: number): number => seq * 2 + (dir === 's2c' ? 1 : 0);

/**
 * A frame cut from a larger TCP chunk is a view of it: records keep a copy,
 * not the whole chunk. The copy comes from Node's pooled slabs (frames under
 * 4 KiB), not an ArrayBuffer of its own per message.
 */
function keepWire(wire: Uint8Array): Uint8Array {
  if (wire.byteLength === wire.buffer.byteLength) return wire;
  const copy = Buffer.allocUnsafe(wire.length);
  copy.set(wire);
  return copy;
}

export class Up2Session implements DialectSession {
  private readonly legs: Record<Dir, Leg>;
  // decrypt mode
  private clientHello: ClientHello | null = null;
  private toClient: FrameEncoder | null = null;
  private toServer: FrameEncoder | null = null;
  private clientLegSeq = 0;
  private upstreamSeq = 0;
  private upstreamReady: Promise<void>;
  private resolveUpstream!: () => void;
  private rejectUpstream!: (e: Error) => void;
  private upstreamDone = false;
  private clientEncryption: 'aes-256-gcm' | 'none' = 'aes-256-gcm';
  /** upstream seq of a forwarded client request → its client-leg seq */
  private readonly c2sRequests = new Map<number, number>();
  /** client-leg seq of a forwarded server request → its upstream seq */
  private readonly s2cRequests = new Map<number, number>();
  private readonly mapLimit = 65_536;

  constructor(
    private readonly ctx: DialectContext,
    private readonly opts: Up2DialectOptions,
  ) {
    const leg = (): Leg => ({
      splitter: new FrameSplitter({ maxPayload: opts.maxPayload }),
      tail: ctx.mode === 'passthrough' ? new StreamTail() : null,
      expectSeq: 1,
      key: null,
      encrypted: false,
      raw: false,
    });
    this.legs = { c2s: leg(), s2c: leg() };
    this.upstreamReady = new Promise<void>((ok, fail) => {
      this.resolveUpstream = ok;
      this.rejectUpstream = fail;
    });
    this.upstreamReady.catch(() => {});
    if (ctx.mode === 'decrypt') {
      if (!opts.identity) throw new Error('decrypt mode needs the proxy identity key');
      this.toClient = new FrameEncoder({ aead: opts.ports.aead, compressor: opts.ports.compressor, direction: 2 });
      this.toServer = new FrameEncoder({ aead: opts.ports.aead, compressor: opts.ports.compressor, direction: 1 });
      ctx.facts({ mode: 'decrypt', proxyIdentity: fingerprint(opts.identity.publicRaw) });
    } else {
      ctx.facts({ mode: 'passthrough' });
    }
  }

  decode(dir: Dir, chunk: Uint8Array): ProxyMessage[] {
    const leg = this.legs[dir];
    if (leg.raw) return [this.rawMessage(dir, chunk, undefined)];
    const out: ProxyMessage[] = [];
    leg.tail?.push(chunk);
    leg.splitter.push(chunk);
    for (;;) {
      let raw: RawFrame | undefined;
      try {
        raw = leg.splitter.next();
      } catch (e) {
        const err = e as ProtocolError;
        if (this.ctx.mode === 'passthrough') {
          leg.raw = true;
          out.push(this.rawMessage(dir, leg.tail!.take(), `${err.code}: ${err.detail}`));
        } else {
          this.failLeg(dir, err.code, err.detail);
        }
        return out;
      }
      if (!raw) break;
      // The tail now needs only what the splitter still holds (bytes after this frame).
      leg.tail?.keep(leg.splitter.buffered);
      const m = this.ctx.mode === 'passthrough' ? this.passthroughFrame(dir, raw) : this.decryptFrame(dir, raw);
      if (m) out.push(m);
      if (this.ctx.mode === 'decrypt' && leg.raw) break; // the leg failed
    }
    leg.tail?.keep(leg.splitter.buffered);
    return out;
  }

  private rawMessage(dir: Dir, bytes: Uint8Array, error: string | undefined): ProxyMessage {
    return {
      dir,
      type: 'RAW',
      code: -1,
      seq: null,
      ref: null,
      flags: ['UNFRAMED'],
      wire: bytes,
      forward: true,
      ...(error ? { error } : {}),
    };
  }

  private base(dir: Dir, raw: RawFrame): Omit<ProxyMessage, 'forward'> {
    const h = raw.header;
    const isResponse = (h.flags & RESPONSE) !== 0;
    const def = messageByCode(h.type);
    const m: Writable = {
      dir,
      type: typeName(h.type),
      code: h.type,
      seq: h.seq,
      ref: isResponse ? h.ref : null,
      flags: flagNames(h.flags),
      wire: keepWire(raw.wire),
      meta: h satisfies Meta,
    };
    if (!isResponse && def?.isRequest) m.requestKey = requestKey(dir, h.seq);
    // A response answers a request that travelled the other way.
    if (isResponse) m.answers = requestKey(dir === 'c2s' ? 's2c' : 'c2s', this.mapAnswer(dir, h.ref));
    return m as Omit<ProxyMessage, 'forward'>;
  }

  /** The request key (in the numbering of the request's sender) that a response with `ref` answers. */
  private mapAnswer(dir: Dir, ref: number): number {
    if (this.ctx.mode === 'passthrough') return ref;
    // decrypt: a server response refs the upstream seq of the client's request; a client response refs our client-leg seq.
    if (dir === 's2c') return this.c2sRequests.get(ref) ?? -ref;
    return this.s2cRequests.get(ref) ?? -ref;
  }

  private passthroughFrame(dir: Dir, raw: RawFrame): ProxyMessage {
    const leg = this.legs[dir];
    const h = raw.header;
    const base = this.base(dir, raw);
    let error: string | undefined;
    if (h.seq !== leg.expectSeq) error = `BAD_SEQUENCE: expected seq ${leg.expectSeq}, got ${h.seq}`;
    leg.expectSeq = (h.seq + 1) >>> 0;
    if (h.flags & Flag.ENCRYPTED) {
      leg.encrypted = true;
      const m = base as Writable;
      m.forward = true;
      if (error) m.error = error;
      return m as ProxyMessage;
    }
    const opened = this.open(dir, raw, null);
    if (opened instanceof ProtocolError) return { ...base, forward: true, error: error ?? `${opened.code}: ${opened.detail}` };
    if (h.type === MessageType.HANDSHAKE && h.flags & RESPONSE) this.noteServerHello(opened.body as ResponseOf<'HANDSHAKE'>, null);
    this.noteAuth(base.type, h, opened.body);
    return {
      ...base,
      forward: true,
      plain: opened.plain,
      ...(opened.body !== undefined ? { body: this.present(base.type, opened.body), bodyFromPlain: true } : {}),
      ...(error || opened.error ? { error: error ?? opened.error } : {}),
    };
  }

  /** Decrypts (when a key is given), decompresses, parses and validates; non-fatal problems come back in `error`. */
  private open(
    dir: Dir,
    raw: RawFrame,
    key: Uint8Array | null,
  ): { plain: Uint8Array; body?: Record<string, unknown>; error?: string } | ProtocolError {
    const h = raw.header;
    let plain: Uint8Array;
    try {
      plain = openPayload(h, raw.wire.subarray(0, HEADER_SIZE), raw.wire.subarray(HEADER_SIZE), {
        aead: this.opts.ports.aead,
        key,
        direction: dir === 'c2s' ? 1 : 2,
        compressor: this.opts.ports.compressor,
      });
    } catch (e) {
      return e instanceof ProtocolError ? e : new ProtocolError('INTERNAL', (e as Error).message);
    }
    const def = messageByCode(h.type);
    if (!def) return { plain, error: `UNKNOWN_TYPE: type 0x${h.type.toString(16).padStart(2, '0')} is not in the catalogue` };
    const body = parseBody(def, h, plain);
    if (body instanceof ProtocolError) return { plain, error: `${body.code}: ${body.detail}` };
    return { plain, body };
  }

  private present(type: string, body: Record<string, unknown>): Record<string, unknown> {
    return this.opts.redact ? redactBody(type, body) : body;
  }

  private decryptFrame(dir: Dir, raw: RawFrame): ProxyMessage | null {
    const leg = this.legs[dir];
    const h = raw.header;
    if (h.seq !== leg.expectSeq) {
      this.failLeg(dir, 'BAD_SEQUENCE', `expected seq ${leg.expectSeq}, got ${h.seq}`);
      return { ...this.base(dir, raw), forward: false, error: `BAD_SEQUENCE: expected seq ${leg.expectSeq}, got ${h.seq}` };
    }
    leg.expectSeq = (h.seq + 1) >>> 0;
    const base = this.base(dir, raw);
    if (h.seq === 1 && h.type === MessageType.HANDSHAKE) return this.handshakeFrame(dir, raw, base);
    if (leg.encrypted && !(h.flags & Flag.ENCRYPTED)) {
      this.failLeg(dir, 'BAD_FLAGS', 'plaintext frame after the handshake');
      return { ...base, forward: false, error: 'BAD_FLAGS: plaintext frame after the handshake' };
    }
    if (h.seq === 1) {
      this.failLeg(dir, 'UNAUTHENTICATED', 'the first frame must be HANDSHAKE');
      return { ...base, forward: false, error: 'UNAUTHENTICATED: the first frame must be HANDSHAKE' };
    }
    const opened = this.open(dir, raw, leg.key);
    if (opened instanceof ProtocolError) {
      this.failLeg(dir, opened.code, opened.detail);
      return { ...base, forward: false, error: `${opened.code}: ${opened.detail}` };
    }
    this.noteAuth(base.type, h, opened.body);
    // The hot path of decrypt mode: fill in the fresh object rather than spreading it into another.
    const m = base as Writable;
    m.forward = true;
    m.plain = opened.plain;
    if (opened.body !== undefined) {
      m.body = this.present(base.type, opened.body);
      m.bodyFromPlain = true;
    }
    if (opened.error) m.error = opened.error;
    return m as ProxyMessage;
  }

  private handshakeFrame(dir: Dir, raw: RawFrame, base: Omit<ProxyMessage, 'forward'>): ProxyMessage | null {
    const opened = this.open(dir, raw, null);
    if (opened instanceof ProtocolError || !opened.body) {
      const why = opened instanceof ProtocolError ? `${opened.code}: ${opened.detail}` : (opened.error ?? 'bad handshake');
      this.failLeg(dir, 'BAD_PAYLOAD', why);
      return { ...base, forward: false, error: why };
    }
    const body = opened.body;
    if (dir === 'c2s') {
      // The client's hello: answer it with our identity, and say hello upstream ourselves.
      let hello;
      try {
        hello = makeServerHello(body as BodyOf<'HANDSHAKE'>, {
          identity: this.opts.identity!,
          allowPlaintext: this.opts.allowPlaintext ?? false,
          maxPayload: this.opts.maxPayload,
        });
      } catch (e) {
        this.failLeg(dir, 'BAD_PAYLOAD', `handshake refused: ${(e as Error).message}`);
        return { ...base, forward: false, plain: opened.plain, body, error: `BAD_PAYLOAD: ${(e as Error).message}` };
      }
      this.clientEncryption = hello.result.encryption;
      const response = hello.response;
      const seq = ++this.clientLegSeq;
      const frame = this.toClient!.encode({ type: MessageType.HANDSHAKE, seq, ref: 1, response: true, priority: 0, body: response });
      this.ctx.inject('s2c', frame, 'the proxy answers the client handshake with its own identity');
      this.ctx.observe(this.ownMessage('s2c', frame, response, seq, 1));
      if (hello.keys) {
        this.toClient!.setKey(hello.keys.serverToClient);
        this.legs.c2s.key = hello.keys.clientToServer;
        this.legs.c2s.encrypted = true;
      }
      this.ctx.facts({ clientSessionId: response.sessionId, clientEncryption: response.encryption });
      this.startUpstream(body as BodyOf<'HANDSHAKE'>);
      return { ...base, forward: false, plain: opened.plain, body };
    }
    // The server's answer to our hello.
    if (!(raw.header.flags & RESPONSE) || !this.clientHello) {
      this.failLeg(dir, 'BAD_PAYLOAD', 'unexpected HANDSHAKE from the server');
      return { ...base, forward: false, error: 'BAD_PAYLOAD: unexpected HANDSHAKE from the server' };
    }
    try {
      const out = acceptServerHello(this.clientHello, body as ResponseOf<'HANDSHAKE'>, this.opts.upstreamIdentity ?? { trustOnFirstUse: true });
      if (out.keys) {
        this.toServer!.setKey(out.keys.clientToServer);
        this.legs.s2c.key = out.keys.serverToClient;
        this.legs.s2c.encrypted = true;
      }
      this.noteServerHello(body as ResponseOf<'HANDSHAKE'>, out.identityKey);
      this.upstreamDone = true;
      this.resolveUpstream();
    } catch (e) {
      const reason = `upstream handshake failed: ${(e as Error).message}`;
      this.rejectUpstream(new Error(reason));
      this.sendError('s2c', 'UNAUTHENTICATED', reason, true);
      this.ctx.abort(reason);
      return { ...base, forward: false, plain: opened.plain, body, error: `UNAUTHENTICATED: ${reason}` };
    }
    return { ...base, forward: false, plain: opened.plain, body };
  }

  private startUpstream(clientBody: BodyOf<'HANDSHAKE'>): void {
    const hello = makeClientHello(this.clientEncryption === 'none' ? 'none' : clientBody.encryption);
    this.clientHello = hello;
    const seq = ++this.upstreamSeq;
    const frame = this.toServer!.encode({ type: MessageType.HANDSHAKE, seq, priority: 0, body: hello.body });
    this.ctx.inject('c2s', frame, 'the proxy opens its own session upstream');
    this.ctx.observe(this.ownMessage('c2s', frame, hello.body, seq, null));
  }

  private ownMessage(dir: Dir, frame: Uint8Array, body: object, seq: number, ref: number | null): ProxyMessage {
    const flags = frame[4]!;
    return {
      dir,
      type: 'HANDSHAKE',
      code: MessageType.HANDSHAKE,
      seq,
      ref,
      flags: [...flagNames(flags), 'PROXY'],
      wire: frame,
      plain: frame.subarray(HEADER_SIZE),
      body,
      forward: false,
      meta: { type: MessageType.HANDSHAKE, flags, seq, ref: ref ?? 0, length: frame.length - HEADER_SIZE } satisfies Meta,
    };
  }

  private noteServerHello(r: ResponseOf<'HANDSHAKE'>, identityKey: Uint8Array | null): void {
    this.ctx.facts({
      sessionId: r.sessionId,
      encryption: r.encryption,
      serverIdentity: identityKey ? fingerprint(identityKey) : fingerprint(Buffer.from(r.identityKey, 'base64url')),
    });
  }

  /** Learns the account, player and token claims from the login traffic (never the password). */
  private noteAuth(type: string, h: FrameHeader, body: Record<string, unknown> | undefined): void {
    if (!body || (type !== 'AUTH_LOGIN' && type !== 'AUTH_REFRESH')) return;
    if (!(h.flags & RESPONSE)) {
      if (typeof body.account === 'string') this.ctx.facts({ account: body.account });
      if (typeof body.accessToken === 'string') this.ctx.facts({ resumed: true });
      return;
    }
    const claims = typeof body.accessToken === 'string' ? readJwtClaims(body.accessToken) : null;
    this.ctx.facts({
      ...(body.playerId !== undefined ? { playerId: body.playerId } : {}),
      ...(body.accountId !== undefined ? { accountId: body.accountId } : {}),
      ...(Array.isArray(body.scope) ? { scope: body.scope } : {}),
      ...(claims ? { jwt: claims } : {}),
    });
  }

  /** Fatal error from the sender of `dir`: tell it (as a peer would) and end the session. */
  private failLeg(dir: Dir, code: ErrorCode, detail: string): void {
    this.legs[dir].raw = true;
    if (this.ctx.mode === 'decrypt') {
      this.sendError(dir === 'c2s' ? 's2c' : 'c2s', code, detail, true);
      this.rejectUpstream(new Error(`${code}: ${detail}`));
      this.ctx.abort(`${dir === 'c2s' ? 'client' : 'server'} sent a bad frame: ${code}: ${detail}`);
    }
  }

  /** Sends an ERROR toward the side `dir` travels to (decrypt mode), after what is queued for it. */
  private sendError(dir: Dir, code: ErrorCode, message: string, fatal: boolean): void {
    const toClient = dir === 's2c';
    const enc = toClient ? this.toClient : this.toServer;
    if (!enc || (!toClient && !this.upstreamDone)) return;
    this.ctx.inject(dir, () => {
      const seq = toClient ? ++this.clientLegSeq : ++this.upstreamSeq;
      return enc.encode({ type: MessageType.ERROR, seq, priority: 0, body: { code, message, fatal } });
    }, `proxy ERROR ${code}`);
  }

  encode(msg: ProxyMessage): Uint8Array | null | Promise<Uint8Array | null> {
    if (this.ctx.mode === 'passthrough' || !msg.meta) return msg.wire;
    if (msg.plain === undefined) return null;
    if (msg.dir === 'c2s' && !this.upstreamDone) return this.upstreamReady.then(() => this.reencode(msg));
    return this.reencode(msg);
  }

  private reencode(msg: ProxyMessage): Uint8Array {
    const h = msg.meta as Meta;
    const toServer = msg.dir === 'c2s';
    const seq = toServer ? ++this.upstreamSeq : ++this.clientLegSeq;
    const isResponse = (h.flags & RESPONSE) !== 0;
    let ref = 0;
    if (isResponse) {
      // A client answering a server request: its ref is our client-leg seq → the server's seq.
      // A server answering a client request: its ref is our upstream seq → the client's seq.
      ref = toServer ? (this.s2cRequests.get(h.ref) ?? 0) : (this.c2sRequests.get(h.ref) ?? 0);
    } else if (msg.requestKey) {
      const map = toServer ? this.c2sRequests : this.s2cRequests;
      if (map.size >= this.mapLimit) map.delete(map.keys().next().value!);
      map.set(seq, h.seq);
    }
    const encoder = toServer ? this.toServer! : this.toClient!;
    return encoder.encode({
      type: h.type,
      seq,
      ref,
      response: isResponse,
      priority: priorityOf(h.flags) as Priority,
      body: msg.plain!,
    });
  }

  corruptBody(msg: ProxyMessage, offset: number): ProxyMessage | undefined {
    if (this.ctx.mode !== 'decrypt' || !msg.plain || msg.plain.length === 0) return undefined;
    const plain = msg.plain.slice();
    const i = offset % plain.length;
    plain[i] = plain[i]! ^ 0xff;
    return { ...msg, plain };
  }

  expireSession(): boolean {
    if (this.ctx.mode !== 'decrypt') return false;
    this.sendError('s2c', 'TOKEN_EXPIRED', 'the access token expired (fault injected by the proxy)', true);
    this.ctx.abort('token expired (fault)');
    return true;
  }

  pdu(msg: ProxyMessage): Uint8Array {
    const h = msg.meta as Meta | undefined;
    if (!h || msg.plain === undefined) return msg.wire;
    // Only login traffic is ever redacted; everything else keeps its bytes (no re-serialisation on the hot path).
    const redacted = this.opts.redact && msg.body !== undefined && (msg.type === 'AUTH_LOGIN' || msg.type === 'AUTH_REFRESH');
    const text = redacted ? bodyBytes(msg) : msg.plain;
    // Pooled (the capture writer copies it into its batch at once): no ArrayBuffer per message.
    const out = Buffer.allocUnsafe(HEADER_SIZE + text.length);
    writeHeader(out, { type: h.type, flags: h.flags & ~(Flag.ENCRYPTED | Flag.COMPRESSED), seq: h.seq, ref: h.ref, length: text.length });
    out.set(text, HEADER_SIZE);
    return out;
  }

  close(): void {
    this.rejectUpstream(new Error('session closed'));
  }
}

/**
 * The body a frame's record showed, from its plaintext: the same parse
 * (already validated when the frame passed) and the same redaction. Only for
 * messages marked bodyFromPlain; undefined when the bytes do not parse.
 */
export function reviveBody(summary: MessageSummary, plain: Uint8Array, redact: boolean): unknown {
  const def = messageByCode(summary.code);
  if (!def) return undefined;
  const header: FrameHeader = {
    type: summary.code,
    flags: summary.flags.includes('RESPONSE') ? RESPONSE : 0,
    seq: summary.seq ?? 0,
    ref: summary.ref ?? 0,
    length: plain.length,
  };
  const body = parseBody(def, header, plain, false);
  if (body instanceof ProtocolError) return undefined;
  return redact ? redactBody(summary.type, body) : body;
}

/**
 * Whether Up2Session.pdu of this record's message is its plaintext under
 * its received header (flags minus ENCRYPTED and COMPRESSED) — what the
 * capture writer builds in place from the record: a decoded frame that is
 * not redacted and whose header (in the wire bytes) says what the record
 * does. A request's header ref is not in the record (it is null there), so
 * only a zero one qualifies.
 */
export function capturesPlainFrame(r: MessageRecord, redact: boolean): boolean {
  const wire = r.wire;
  if (r.plain === undefined || wire === undefined || wire.length < HEADER_SIZE || wire[0] !== 0x55 || wire[1] !== 0x50) return false;
  if (redact && r.body !== undefined && (r.type === 'AUTH_LOGIN' || r.type === 'AUTH_REFRESH')) return false;
  if (wire[3] !== r.code || (wire[4]! & Flag.RESERVED_MASK) !== 0) return false;
  return u32be(wire, 6) === r.seq && u32be(wire, 10) === (r.ref ?? 0);
}

// Module-level, not a closure per call: this runs for every captured record.
function u32be(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/** The presented (possibly redacted) body as UTF-8 JSON. */
function bodyBytes(msg: ProxyMessage): Uint8Array {
  return utf8Encode(JSON.stringify(msg.body));
}

