/**
 * Whole OT sessions as byte streams, produced by the same peers the TCP
 * doubles use, for feeding a dialect session directly (no sockets).
 */
import { type Dir } from '../../src-shared/records';
import { otServerKey, type RsaPrivateKey } from '../../src-main/proxy/dialects/otgame/rsa';
import { type XteaKey } from '../../src-main/proxy/dialects/otgame/xtea';
import { OtPeer } from './peer';
import { accountLoginPacket, attack, challenge, characterList, extendedOpcode, gameLoginPacket, look, logout, ping, say, walk, type WorldSpec } from './packets';
import { gameScript } from './server-double';

export interface Chunk {
  readonly dir: Dir;
  readonly bytes: Uint8Array;
  /** The message the frame carries (for the login packet: the whole packet). */
  readonly payload: Uint8Array;
}

export const TEST_XTEA: XteaKey = [0xdeadbeef, 0x01234567, 0x89abcdef, 0x0badf00d];

/** Client messages of a short play session (one per frame, as OTClient sends them). */
export function clientScript(): Uint8Array[] {
  return [
    ping(),
    walk(0x65),
    walk(0x68),
    say('hello world'),
    look({ x: 32369, y: 32241, z: 7 }, 3031, 1),
    attack(0x40000010, 5),
    extendedOpcode(12, '{"action":"fetch"}'),
    logout(),
  ];
}

export function scriptedGameSession(version: number, opts: { rsa?: RsaPrivateKey; compress?: boolean } = {}): Chunk[] {
  const client = new OtPeer({ side: 'client', version, service: 'game' });
  const server = new OtPeer({ side: 'server', version, service: 'game', ...(opts.compress !== undefined ? { compress: opts.compress } : {}) });
  const out: Chunk[] = [];
  const ch = challenge(1_700_000_000, 0x42);
  out.push({ dir: 's2c', bytes: server.frame(ch, { plainInnerLength: true }), payload: ch });
  const login = gameLoginPacket({ version, xteaKey: TEST_XTEA, rsa: opts.rsa ?? otServerKey(), challenge: { timestamp: 1_700_000_000, random: 0x42 } });
  out.push({ dir: 'c2s', bytes: client.frame(login), payload: login });
  client.startSession(TEST_XTEA);
  server.startSession(TEST_XTEA);
  for (const p of gameScript()) out.push({ dir: 's2c', bytes: server.frame(p), payload: p });
  for (const p of clientScript()) out.push({ dir: 'c2s', bytes: client.frame(p), payload: p });
  return out;
}

export function scriptedLoginSession(version: number, worlds: readonly WorldSpec[]): Chunk[] {
  const client = new OtPeer({ side: 'client', version, service: 'login' });
  const server = new OtPeer({ side: 'server', version, service: 'login' });
  const login = accountLoginPacket({ version, xteaKey: TEST_XTEA, rsa: otServerKey(), account: 'tester', password: 'hunter2' });
  const out: Chunk[] = [{ dir: 'c2s', bytes: client.frame(login), payload: login }];
  client.startSession(TEST_XTEA);
  server.startSession(TEST_XTEA);
  const list = characterList(worlds, [{ name: 'Knight Tester', world: worlds[0]!.id }], 'tester\nhunter2');
  out.push({ dir: 's2c', bytes: server.frame(list), payload: list });
  return out;
}
