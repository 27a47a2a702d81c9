/**
 * A Canary-like server double on 127.0.0.1: the game service sends its 0x1F
 * challenge, reads the client's login packet with its private key (closing
 * the connection on "RSA Decrypt Failed", as Canary does), then answers
 * with a scripted session; the login service answers 0x01 with a character
 * list. Real framing, real XTEA, real RSA.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { otServerKey, type RsaPrivateKey } from '../../src-main/proxy/dialects/otgame/rsa';
import { readXteaKey } from '../../src-main/proxy/dialects/otgame/xtea';
import { OtPeer } from './peer';
import { challenge, characterList, creatureHealth, creatureMove, loginSuccess, mapDescription, textMessage, type WorldSpec } from './packets';

export interface ServerDoubleOptions {
  readonly service: 'game' | 'login';
  readonly version: number;
  readonly key?: RsaPrivateKey;
  readonly compress?: boolean;
  /** Login service: the worlds to hand out (default: one world at this double's own port + 1). */
  readonly worlds?: readonly WorldSpec[];
  readonly challenge?: { readonly timestamp: number; readonly random: number };
}

export interface ServerConnection {
  readonly peer: OtPeer;
  /** Payloads received after the login packet. */
  readonly received: Uint8Array[];
  /** "RSA Decrypt Failed" and the like. */
  readonly log: string[];
  send(payload: Uint8Array): void;
  readonly socket: Socket;
}

export interface ServerDouble {
  readonly port: number;
  readonly connections: ServerConnection[];
  /** The scripted game frames this double sends after login (payloads, in order). */
  readonly script: readonly Uint8Array[];
  close(): Promise<void>;
}

/** Where the RSA block starts in a login-service packet (Canary's AccountLoginLayout). */
function accountRsaOffset(version: number): number {
  let at = 1 + 2 + 2;
  if (version >= 980) at += 4;
  at += version >= 1071 ? 4 : 4; // content revision + 0, or dat signature
  at += 8; // spr, pic
  if (version >= 980) at += 1;
  return at;
}

export function gameScript(): Uint8Array[] {
  // Canary batches what one dispatcher tick writes into one frame: here a health update and a text message.
  const batch = new Uint8Array([...creatureHealth(0x10000001, 100), ...textMessage(17, 'Welcome to otbridge test world!')]);
  return [
    loginSuccess(0x10000001),
    batch,
    mapDescription({ x: 32369, y: 32241, z: 7 }, 900),
    creatureMove(0x40000010, { x: 32370, y: 32241, z: 7 }),
    creatureHealth(0x40000010, 73),
    Uint8Array.of(0x1e), // server ping
  ];
}

export async function startServerDouble(opts: ServerDoubleOptions): Promise<ServerDouble> {
  const key = opts.key ?? otServerKey();
  const connections: ServerConnection[] = [];
  const script = gameScript();
  let port = 0;
  const server: Server = createServer((socket) => {
    socket.setNoDelay(true);
    const peer = new OtPeer({ side: 'server', version: opts.version, service: opts.service, ...(opts.compress !== undefined ? { compress: opts.compress } : {}) });
    const conn: ServerConnection = {
      peer,
      received: [],
      log: [],
      socket,
      send: (p) => {
        if (!socket.destroyed) socket.write(peer.frame(p));
      },
    };
    connections.push(conn);
    let loggedIn = false;
    socket.on('error', () => {});
    if (opts.service === 'game') {
      const c = opts.challenge ?? { timestamp: 1_700_000_000, random: 0x42 };
      socket.write(peer.frame(challenge(c.timestamp, c.random), { plainInnerLength: true }));
    }
    socket.on('data', (chunk) => {
      for (const payload of peer.read(chunk)) {
        if (loggedIn) {
          conn.received.push(payload);
          if (payload[0] === 0x1d) conn.send(Uint8Array.of(0x1d)); // ping → ping back
          if (payload[0] === 0x14) socket.end(); // logout
          continue;
        }
        const at = opts.service === 'game' ? payload.length - key.size : accountRsaOffset(opts.version);
        const plain = at >= 0 && at + key.size <= payload.length ? safeDecrypt(key, payload.subarray(at, at + key.size)) : null;
        if (!plain || plain[0] !== 0) {
          conn.log.push('RSA Decrypt Failed');
          socket.destroy();
          return;
        }
        loggedIn = true;
        peer.startSession(readXteaKey(plain, 1));
        if (opts.service === 'login') {
          const worlds = opts.worlds ?? [{ id: 0, name: 'Testworld', host: '127.0.0.1', port: port + 1 }];
          conn.send(characterList(worlds, [{ name: 'Knight Tester', world: worlds[0]!.id }], 'tester@example.org\nhunter2'));
          socket.end();
        } else for (const p of script) conn.send(p);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  return {
    port,
    connections,
    script,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of connections) c.socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function safeDecrypt(key: RsaPrivateKey, block: Uint8Array): Uint8Array | null {
  try {
    return key.decrypt(block);
  } catch {
    return null;
  }
}
