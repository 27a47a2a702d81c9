/**
 * One proxied OT connection (login or game service), decoded passively:
 * the bytes go on unchanged (except a rewritten character list), and every
 * frame becomes a ProxyMessage with its opcode, name, fields and problems.
 *
 * The session learns as it goes: the service from who speaks first (the
 * game server opens with its 0x1F challenge; a login client opens with
 * 0x01), the frame layout from the first frame's checksum, the protocol
 * version and XTEA key from the client's login packet (RSA-decrypted with
 * the server's private key), and from then on decrypts both directions.
 */
import { type Dir } from '../../../../src-shared/records';
import { type DialectContext, type DialectSession, type ProxyMessage } from '../../dialect';
import { readCharacterList, writeCharacterList, type World } from './charlist';
import { detectLayout } from './detect';
import { decodeFrameInto, encodeFrame, FrameResult, MAX_INFLATED, type FrameState } from './frame';
import { framingForVersion, versionText, type ChecksumMode, type FrameLayout } from './framing';
import { parseLoginPacket, type LoginPacket } from './login-packet';
import { nameMessages, walkMessages } from './messages';
import { OtMessage } from './ot-message';
import { opcodeName, type Service } from './opcodes';
import { type FieldContext } from './fields';
import { encodePdu } from './pdu';
import { FieldError, Reader } from './reader';
import { type RsaPrivateKey } from './rsa';
import { maskLoginAnswer } from './redact';
import { SequenceCheck } from './sequence';
import { FrameSplitter } from './splitter';
import { xteaSchedule, type XteaSchedule } from './xtea';

export interface OtSessionOptions {
  /** The server's private key; null in passthrough (nothing decrypted). */
  readonly serverKey: RsaPrivateKey | null;
  /** Force a protocol version instead of learning it from the login packet. */
  readonly protocolVersion?: number;
  /** Point the worlds of a binary character list here, so the game connection comes through the proxy. */
  readonly rewriteWorldsTo?: { readonly host: string; readonly port: number };
  /** Told the worlds a login server handed out (before rewriting). */
  readonly onWorlds?: (worlds: readonly World[]) => void;
  readonly maxInflated?: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const NO_ANSWER: { answers?: string } = Object.freeze({});
const NO_KEY = 'NO_XTEA_KEY: the XTEA key could not be read from the login packet (see its error), so this frame stays encrypted';

/** What encode() and corruptBody() need to rebuild a frame. */
interface FrameMeta {
  readonly state: FrameState;
  readonly seq: number | null;
  readonly compressed: boolean;
  readonly rewritten?: Uint8Array;
}

class Direction {
  readonly splitter = new FrameSplitter();
  checksum: ChecksumMode = 'adler32';
  xtea: XteaSchedule | null = null;
  readonly sequence: SequenceCheck;
  frames = 0;
  /** Cached FrameState; null when layout, checksum or key changed. */
  state: FrameState | null = null;
  constructor(readonly dir: Dir) {
    this.sequence = new SequenceCheck(dir);
  }
}

export class OtGameSession implements DialectSession {
  readonly #ctx: DialectContext;
  readonly #opts: OtSessionOptions;
  readonly #c2s = new Direction('c2s');
  readonly #s2c = new Direction('s2c');
  #service: Service | undefined;
  #layout: FrameLayout | undefined;
  #version = 0;
  #fieldContext: FieldContext = { version: 0 };
  #loginSeen = false;
  /** Whether the login packet opens XTEA: from 7.70 on (OTClient's GameLoginPacketEncryption); older sessions stay clear. */
  #keyExpected = true;
  /** requestKeys waiting for their answer, by the direction the answer travels. */
  readonly #pending: Record<Dir, { key: string; codes: readonly number[] | null }[]> = { c2s: [], s2c: [] };
  #nextKey = 1;
  /** Where decodeFrameInto writes each frame's outcome (one object for the session, not one per frame). */
  readonly #result = new FrameResult();

  constructor(ctx: DialectContext, opts: OtSessionOptions) {
    this.#ctx = ctx;
    this.#opts = opts;
    if (opts.protocolVersion) this.#applyVersion(opts.protocolVersion, true);
  }

  decode(dir: Dir, chunk: Uint8Array): ProxyMessage[] {
    const d = dir === 'c2s' ? this.#c2s : this.#s2c;
    // The common case: nothing buffered and the chunk is exactly one frame — no copy at all.
    if (this.#layout && d.splitter.buffered === 0 && d.splitter.isWholeFrame(chunk, this.#layout)) return [this.#decodeFrame(d, chunk)];
    d.splitter.push(chunk);
    const out: ProxyMessage[] = [];
    for (;;) {
      if (!this.#layout) {
        const found = detectLayout(d.splitter.peek());
        if (!found) break;
        this.#setLayout(found.layout);
        this.#setChecksum(found.checksum);
        this.#ctx.facts({ framing: { layout: found.layout, checksum: found.checksum } });
      }
      this.#service ??= dir === 's2c' ? 'game' : undefined;
      const frame = d.splitter.next(this.#layout ?? 'classic');
      if (!frame) break;
      out.push(this.#decodeFrame(d, frame));
    }
    return out;
  }

  /** The frame state of a direction, rebuilt only when the session changes it (layout, checksum, key). */
  #state(d: Direction): FrameState {
    d.state ??= {
      layout: this.#layout ?? 'classic',
      checksum: d.checksum,
      xtea: d.xtea,
      plainInnerLength: d.dir === 's2c' && !d.xtea,
      maxInflated: this.#opts.maxInflated ?? MAX_INFLATED,
    };
    return d.state;
  }

  #setChecksum(c: ChecksumMode): void {
    this.#c2s.checksum = this.#s2c.checksum = c;
    this.#c2s.state = this.#s2c.state = null;
  }

  #setLayout(l: FrameLayout): void {
    this.#layout = l;
    this.#c2s.state = this.#s2c.state = null;
  }

  #decodeFrame(d: Direction, wire: Uint8Array): ProxyMessage {
    const state = this.#state(d);
    // After the login packet without a recovered key (passthrough, or a failed RSA decryption) the frames stay closed.
    const closed = this.#loginSeen && state.xtea === null && this.#service !== undefined && this.#keyExpected;
    d.frames++;
    const flags: string[] = [this.#service === 'login' ? 'LOGIN' : 'GAME'];
    if (this.#layout === 'blocks') flags.push('BLOCKS');
    if (wire.length - 2 > MAX_INFLATED) flags.push('OVERSIZED');
    if (closed) return this.#opaque(d, wire, state, flags, this.#opts.serverKey ? NO_KEY : undefined);
    const r = this.#result;
    decodeFrameInto(wire, state, flags, r);
    const isLoginPacket = d.dir === 'c2s' && !this.#loginSeen;
    let error = r.error;
    const seq = r.seq;
    if (seq !== null && !error) {
      const v = d.sequence.check(seq);
      if (v.flag) flags.push(v.flag);
      if (v.error) error = v.error;
    } else if (seq !== null) d.sequence.check(seq);
    const payload = r.payload;
    if (payload && !isLoginPacket && this.#service !== 'login') {
      // The hot path: a game frame's message, named and flagged now (walkMessages), its fields decoded when first read (OtMessage).
      walkMessages('game', d.dir, payload, this.#fieldContext, flags);
      const code = payload.length === 0 ? -1 : payload[0]!;
      const type = code < 0 ? 'EMPTY' : opcodeName('game', d.dir, code);
      const msg = new OtMessage(d.dir, type, code, seq, flags, wire, payload, state, r.compressed, 'game', this.#fieldContext);
      if (error) msg.error = error;
      this.#link(d, msg);
      return msg;
    }
    const meta: FrameMeta = { state, seq, compressed: r.compressed };
    if (isLoginPacket) return this.#loginPacket(d, wire, payload, flags, error, meta);
    if (!payload) return this.#message(d, { type: 'UNDECODED', code: -1, wire, flags, error, meta, seq });
    const named = nameMessages(this.#service ?? 'game', d.dir, payload, this.#fieldContext, flags);
    let rewritten: Uint8Array | undefined;
    let body: Record<string, unknown> = named.body;
    if (this.#service === 'login' && d.dir === 's2c') {
      const rw = this.#worlds(payload, meta);
      if (rw) {
        rewritten = rw.wire;
        body = { ...body, worldsRewrittenTo: `${this.#opts.rewriteWorldsTo!.host}:${this.#opts.rewriteWorldsTo!.port}` };
        flags.push('REWRITTEN');
      }
    }
    return this.#message(d, {
      type: named.type,
      code: named.code,
      wire,
      plain: this.#service === 'login' && d.dir === 's2c' ? maskLoginAnswer(payload) : payload,
      body,
      flags,
      error,
      meta: rewritten ? { ...meta, rewritten } : meta,
      seq,
    });
  }

  /** A frame the proxy cannot read (passthrough after login): named by what the header shows. */
  #opaque(d: Direction, wire: Uint8Array, state: FrameState, flags: string[], error?: string): ProxyMessage {
    let seq: number | null = null;
    let compressed = false;
    if (wire.length >= 6 && state.checksum === 'sequence') {
      const field = (wire[2]! | (wire[3]! << 8) | (wire[4]! << 16) | (wire[5]! << 24)) >>> 0;
      seq = field & 0x7fffffff;
      compressed = field >= 0x80000000;
      flags.push('SEQUENCED');
      if (compressed) flags.push('COMPRESSED');
    }
    flags.push('XTEA');
    return this.#message(d, { type: 'ENCRYPTED', code: -1, wire, flags, meta: { state, seq, compressed }, seq, ...(error ? { error } : {}) });
  }

  #loginPacket(d: Direction, wire: Uint8Array, payload: Uint8Array | undefined, flags: string[], frameError: string | undefined, meta: FrameMeta): ProxyMessage {
    this.#loginSeen = true;
    if (!payload) return this.#message(d, { type: 'UNDECODED', code: -1, wire, flags, error: frameError, meta, seq: meta.seq });
    const login: LoginPacket = parseLoginPacket(payload, this.#opts.serverKey, this.#opts.protocolVersion ?? 0);
    this.#service = login.service;
    flags[0] = login.service === 'login' ? 'LOGIN' : 'GAME';
    if (login.version) this.#applyVersion(login.version, !!this.#opts.protocolVersion);
    if (login.xteaKey) {
      const s = xteaSchedule(login.xteaKey);
      this.#c2s.xtea = this.#s2c.xtea = s;
      this.#c2s.state = this.#s2c.state = null;
      flags.push('KEY_RECOVERED');
    } else if (!login.error && this.#opts.serverKey === null) {
      // Passthrough: the rest of the session is encrypted and stays so.
      flags.push('PASSTHROUGH');
    }
    const facts: Record<string, unknown> = {
      service: login.service,
      protocolVersion: login.protocolVersion,
      clientVersion: login.version,
      os: login.os,
      xtea: login.xteaKey ? 'key recovered from the login packet' : this.#opts.serverKey ? 'not recovered' : 'passthrough',
    };
    if (typeof login.fields.character === 'string') facts.character = login.fields.character;
    if (typeof login.fields.account === 'string') facts.account = login.fields.account;
    else if (typeof login.fields.sessionKey === 'string') facts.account = login.fields.sessionKey.split('\n')[0];
    this.#ctx.facts(facts);
    const key = `login-${this.#nextKey++}`;
    this.#expect('s2c', key, null);
    const type = login.service === 'login' ? 'ENTER_ACCOUNT' : 'GAME_LOGIN';
    return {
      dir: d.dir,
      type,
      code: payload[0] ?? -1,
      seq: meta.seq,
      ref: null,
      flags,
      wire,
      plain: this.#redactedLoginPlain(payload, login),
      body: login.fields,
      ...((login.error ?? frameError) ? { error: frameError ?? login.error } : {}),
      requestKey: key,
      ...this.#answer('c2s', payload[0] ?? -1),
      forward: true,
      meta,
    };
  }

  /** The login packet's plaintext keeps only its clear prelude: the RSA block (credentials, key) never reaches a capture. */
  #redactedLoginPlain(payload: Uint8Array, login: LoginPacket): Uint8Array {
    return login.rsaOffset !== undefined ? payload.slice(0, login.rsaOffset) : payload.slice(0, Math.min(payload.length, 5));
  }

  #applyVersion(version: number, forced: boolean): void {
    this.#version = version;
    this.#fieldContext = { version };
    this.#keyExpected = version >= 770;
    const f = framingForVersion(version);
    if (forced) {
      this.#setLayout(f.layout);
      if (this.#c2s.frames === 0 && this.#s2c.frames === 0) this.#setChecksum(f.initialChecksum);
    }
    // The login service stays on its initial checksum (Canary's ProtocolLogin); the game session turns sequencing on.
    if (this.#service !== 'login' && this.#loginSeen) this.#setChecksum(f.sessionChecksum);
    const note = this.#layout && this.#layout !== f.layout ? `frames use the ${this.#layout} layout although ${versionText(version)} implies ${f.layout}` : undefined;
    this.#ctx.facts({ protocolVersion: version, framing: { layout: this.#layout ?? f.layout, checksum: this.#c2s.checksum, ...(note ? { note } : {}) } });
  }

  /** The character list re-encoded with its worlds pointing at the proxy, when asked to. */
  #worlds(payload: Uint8Array, meta: FrameMeta): { wire: Uint8Array } | undefined {
    // Walk the login messages to the 0x64 list: MOTD (0x14) and session key (0x28) come first.
    const r = new Reader(payload);
    const head: Uint8Array[] = [];
    try {
      while (r.left > 0) {
        const at = r.pos;
        const op = r.u8();
        if (op === 0x14 || op === 0x28 || op === 0x0b || op === 0x0a || op === 0x11) {
          r.string();
          head.push(payload.subarray(at, r.pos));
          continue;
        }
        if (op !== 0x64) return undefined;
        const list = readCharacterList(r, this.#version);
        this.#opts.onWorlds?.(list.worlds);
        this.#ctx.facts({ worlds: list.worlds.map((w) => ({ name: w.name, host: w.host, port: w.port })) });
        const to = this.#opts.rewriteWorldsTo;
        if (!to) return undefined;
        const moved = { ...list, worlds: list.worlds.map((w) => ({ ...w, host: to.host, port: to.port })) };
        const parts = [...head, writeCharacterList(moved, this.#version)];
        const total = parts.reduce((n, p) => n + p.length, 0);
        const plain = new Uint8Array(total);
        let o = 0;
        for (const p of parts) {
          plain.set(p, o);
          o += p.length;
        }
        return { wire: encodeFrame(plain, meta.state, { seq: meta.seq ?? 0, compress: meta.compressed }) };
      }
    } catch (e) {
      if (e instanceof FieldError) return undefined;
      throw e;
    }
    return undefined;
  }

  /** Waits for an answer travelling `dir`; at most 64 wait per direction (a peer that never answers cannot grow the list). */
  #expect(dir: Dir, key: string, codes: readonly number[] | null): void {
    const q = this.#pending[dir];
    if (q.length >= 64) q.shift();
    q.push({ key, codes });
  }

  /** Pairs: the login packet with the first answer; ping with ping back (c2s 0x1D ↔ s2c 0x1D, s2c 0x1E ↔ c2s 0x1E). */
  #answer(dir: Dir, code: number): { answers?: string } {
    const q = this.#pending[dir];
    if (q.length === 0) return NO_ANSWER;
    const i = q.findIndex((p) => p.codes === null || p.codes.includes(code));
    if (i < 0) return {};
    const [p] = q.splice(i, 1);
    return { answers: p!.key };
  }

  #message(
    d: Direction,
    m: { type: string; code: number; wire: Uint8Array; flags: string[]; error?: string; meta: FrameMeta; seq: number | null; plain?: Uint8Array; body?: unknown },
  ): ProxyMessage {
    const msg: Mutable<ProxyMessage> = { dir: d.dir, type: m.type, code: m.code, seq: m.seq, ref: null, flags: m.flags, wire: m.wire, forward: true, meta: m.meta };
    if (m.plain) msg.plain = m.plain;
    if (m.body !== undefined) msg.body = m.body;
    if (m.error) msg.error = m.error;
    this.#link(d, msg);
    return msg;
  }

  /** Sets requestKey on a message that waits for an answer (ping, challenge), answers on one that is an answer. */
  #link(d: Direction, msg: { readonly code: number; requestKey?: string | number | undefined; answers?: string | number | undefined }): void {
    const code = msg.code;
    let requestKey: string | undefined;
    if (this.#service === 'game' && (code === 0x1d || code === 0x1e)) {
      const isRequest = (d.dir === 'c2s' && code === 0x1d) || (d.dir === 's2c' && code === 0x1e);
      if (isRequest) {
        requestKey = `ping-${this.#nextKey++}`;
        this.#expect(d.dir === 'c2s' ? 's2c' : 'c2s', requestKey, [code]);
      }
    }
    if (this.#service === 'game' && d.dir === 's2c' && code === 0x1f) {
      requestKey = `challenge-${this.#nextKey++}`;
      this.#expect('c2s', requestKey, [0x0a]);
    }
    if (requestKey) {
      msg.requestKey = requestKey;
      return;
    }
    if (code < 0) return;
    const answers = this.#answer(d.dir, code).answers;
    if (answers) msg.answers = answers;
  }

  encode(msg: ProxyMessage): Uint8Array {
    return (msg.meta as FrameMeta | undefined)?.rewritten ?? msg.wire;
  }

  /** The message with one byte of its content flipped and the frame rebuilt (valid checksum, same key and sequence). */
  corruptBody(msg: ProxyMessage, offset: number): ProxyMessage | undefined {
    const meta = msg.meta as FrameMeta | undefined;
    if (!meta) return undefined;
    if (msg.plain && msg.plain.length > 0 && !(msg.type === 'GAME_LOGIN' || msg.type === 'ENTER_ACCOUNT')) {
      const plain = msg.plain.slice();
      const i = Math.abs(offset) % plain.length;
      plain[i] = plain[i]! ^ 0xff;
      const wire = encodeFrame(plain, meta.state, { seq: meta.seq ?? 0, compress: meta.compressed });
      // body named explicitly: an OtMessage's body is a getter, which a spread does not copy.
      return { ...msg, body: msg.body, wire, plain, flags: [...msg.flags, 'CORRUPTED'], meta: { ...meta, rewritten: undefined } };
    }
    // Unreadable or login frame: flip a byte after the header (the receiver sees a bad checksum or garbage).
    const head = msg.wire.length > 6 ? 6 : 2;
    if (msg.wire.length <= head) return undefined;
    const wire = msg.wire.slice();
    const i = head + (Math.abs(offset) % (wire.length - head));
    wire[i] = wire[i]! ^ 0xff;
    return { ...msg, body: msg.body, wire, flags: [...msg.flags, 'CORRUPTED'], meta: { ...meta, rewritten: undefined } };
  }

  pdu(msg: ProxyMessage): Uint8Array {
    return encodePdu({ dir: msg.dir, flags: msg.flags, seq: msg.seq, plain: msg.plain, wire: msg.wire, error: msg.error });
  }

  close(): void {
    const left = this.#c2s.splitter.buffered + this.#s2c.splitter.buffered;
    if (left > 0) this.#ctx.facts({ incompleteBytesAtClose: left });
  }
}
