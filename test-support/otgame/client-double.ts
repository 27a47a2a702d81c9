/**
 * An OTClient-like client double: connects over TCP to 127.0.0.1, waits for
 * the game challenge, logs in with a fresh XTEA key sealed with the server's
 * public key (the OT key unless told otherwise), then sends and receives
 * real frames. The login service variant sends 0x01 and reads the list.
 */
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { otServerKey, type RsaPrivateKey } from '../../src-main/proxy/dialects/otgame/rsa';
import { type XteaKey } from '../../src-main/proxy/dialects/otgame/xtea';
import { OtPeer } from './peer';
import { accountLoginPacket, gameLoginPacket } from './packets';

export interface ClientDoubleOptions {
  readonly host?: string;
  readonly port: number;
  readonly version: number;
  readonly service: 'game' | 'login';
  /** Public key to seal the login with (default: the OT key). */
  readonly rsa?: RsaPrivateKey;
  readonly xteaKey?: XteaKey;
  readonly account?: string;
  readonly password?: string;
  readonly character?: string;
}

export class ClientDouble {
  readonly peer: OtPeer;
  readonly received: Uint8Array[] = [];
  readonly xteaKey: XteaKey;
  #socket!: Socket;
  #waiters: (() => void)[] = [];
  #closed = false;

  private constructor(readonly opts: ClientDoubleOptions) {
    this.peer = new OtPeer({ side: 'client', version: opts.version, service: opts.service });
    const k = opts.xteaKey ?? (Array.from(new Uint32Array(randomBytes(16).buffer)) as unknown as XteaKey);
    this.xteaKey = k;
  }

  static async connect(opts: ClientDoubleOptions): Promise<ClientDouble> {
    const c = new ClientDouble(opts);
    await c.#open();
    return c;
  }

  get closed(): boolean {
    return this.#closed;
  }

  #open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: this.opts.host ?? '127.0.0.1', port: this.opts.port }, () => resolve());
      s.setNoDelay(true);
      s.on('error', (e) => {
        this.#closed = true;
        this.#wake();
        reject(e);
      });
      s.on('close', () => {
        this.#closed = true;
        this.#wake();
      });
      s.on('data', (chunk) => {
        for (const p of this.peer.read(chunk)) this.received.push(p);
        this.#wake();
      });
      this.#socket = s;
    });
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  /** Resolves when `pred` holds, rejects after `ms`. */
  async until(pred: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`client double: timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Game: waits for the challenge, then sends the login packet and turns XTEA/sequencing on. */
  async login(): Promise<void> {
    const rsa = this.opts.rsa ?? otServerKey();
    const base = {
      version: this.opts.version,
      xteaKey: this.xteaKey,
      rsa,
      ...(this.opts.account ? { account: this.opts.account } : {}),
      ...(this.opts.password ? { password: this.opts.password } : {}),
      ...(this.opts.character ? { character: this.opts.character } : {}),
    };
    if (this.opts.service === 'game') {
      await this.until(() => this.received.length > 0, 5000, 'the challenge');
      const ch = this.received.shift()!;
      const view = new DataView(ch.buffer, ch.byteOffset, ch.byteLength);
      const challenge = { timestamp: view.getUint32(1, true), random: ch[5]! };
      this.#socket.write(this.peer.frame(gameLoginPacket({ ...base, challenge })));
    } else this.#socket.write(this.peer.frame(accountLoginPacket(base)));
    this.peer.startSession(this.xteaKey);
  }

  send(payload: Uint8Array): void {
    this.#socket.write(this.peer.frame(payload));
  }

  /** Raw bytes, for tests that break framing on purpose. */
  writeRaw(bytes: Uint8Array): void {
    this.#socket.write(bytes);
  }

  close(): void {
    this.#socket.destroy();
  }
}
