/**
 * Framing state of one side of an OT connection, as OTClient (client) and
 * Canary (server) keep it: the first frames with Adler-32 and no XTEA, then
 * — once the login packet is through — XTEA on both sides and, from 12.90,
 * sequence numbers (the client counts from 0, the server from 1) with the
 * server compressing messages of 128 bytes or more.
 */
import { decodeFrame, encodeFrame, type FrameState } from '../../src-main/proxy/dialects/otgame/frame';
import { framingForVersion, type ChecksumMode, type FrameLayout } from '../../src-main/proxy/dialects/otgame/framing';
import { FrameSplitter } from '../../src-main/proxy/dialects/otgame/splitter';
import { xteaSchedule, type XteaKey, type XteaSchedule } from '../../src-main/proxy/dialects/otgame/xtea';

export interface PeerOptions {
  readonly side: 'client' | 'server';
  readonly version: number;
  /** The login service never turns sequencing on (Canary's ProtocolLogin). */
  readonly service: 'game' | 'login';
  /** Server: compress sequenced messages ≥ 128 bytes (Canary's default compression level 6). */
  readonly compress?: boolean;
}

export class OtPeer {
  readonly layout: FrameLayout;
  #outChecksum: ChecksumMode;
  #inChecksum: ChecksumMode;
  #xtea: XteaSchedule | null = null;
  #outSeq: number;
  readonly #splitter = new FrameSplitter();
  readonly #sessionChecksum: ChecksumMode;
  /** Decode problems seen by this side (a real peer would log them). */
  readonly problems: string[] = [];

  constructor(readonly opts: PeerOptions) {
    const f = framingForVersion(opts.version);
    this.layout = f.layout;
    this.#outChecksum = this.#inChecksum = f.initialChecksum;
    this.#sessionChecksum = opts.service === 'login' ? f.initialChecksum : f.sessionChecksum;
    this.#outSeq = opts.side === 'client' ? 0 : 1;
  }

  #state(dir: 'out' | 'in'): FrameState {
    return {
      layout: this.layout,
      checksum: dir === 'out' ? this.#outChecksum : this.#inChecksum,
      xtea: this.#xtea,
      plainInnerLength: this.opts.side === 'client' && dir === 'in' && !this.#xtea,
    };
  }

  /** Turns XTEA (and sequencing) on, as both sides do right after the login packet. */
  startSession(key: XteaKey): void {
    this.#xtea = xteaSchedule(key);
    this.#outChecksum = this.#inChecksum = this.#sessionChecksum;
  }

  /** The next frame carrying `payload`. */
  frame(payload: Uint8Array, opts: { plainInnerLength?: boolean } = {}): Uint8Array {
    const seq = this.#outSeq;
    if (this.#outChecksum === 'sequence') this.#outSeq = this.#outSeq >= 0x7fffffff ? 1 : this.#outSeq + 1;
    return encodeFrame(payload, this.#state('out'), {
      seq,
      compress: this.opts.side === 'server' && (this.opts.compress ?? true),
      ...(opts.plainInnerLength ? { plainInnerLength: true } : {}),
    });
  }

  /** Payloads completed by these bytes. */
  read(bytes: Uint8Array): Uint8Array[] {
    this.#splitter.push(bytes);
    const out: Uint8Array[] = [];
    for (;;) {
      const f = this.#splitter.next(this.layout);
      if (!f) break;
      const d = decodeFrame(f, this.#state('in'));
      if (d.error || !d.payload) this.problems.push(d.error ?? 'no payload');
      else out.push(d.payload);
    }
    return out;
  }
}
