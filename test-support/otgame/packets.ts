/**
 * The messages OTClient and Canary exchange, built byte by byte from the
 * upstream sources (OTClient protocolgamesend.cpp / protocollogin.lua,
 * Canary protocolgame.cpp / protocollogin.cpp), for the test doubles.
 */
import { type RsaPrivateKey } from '../../src-main/proxy/dialects/otgame/rsa';
import { type XteaKey } from '../../src-main/proxy/dialects/otgame/xtea';
import { MessageWriter } from './writer';

export const OS_OTCLIENT_LINUX = 10;

export interface GameLoginOptions {
  readonly version: number;
  readonly xteaKey: XteaKey;
  /** Public key the client encrypts for (the OT key unless a test wants another). */
  readonly rsa: RsaPrivateKey;
  readonly account?: string;
  readonly password?: string;
  readonly character?: string;
  readonly challenge?: { readonly timestamp: number; readonly random: number };
  /** Random bytes for the RSA padding (deterministic in tests). */
  readonly pad?: (n: number) => Uint8Array;
}

function rsaBlock(w: MessageWriter, start: number, rsa: RsaPrivateKey, pad: (n: number) => Uint8Array): Uint8Array {
  const all = w.done();
  const inside = all.length - start;
  if (inside > rsa.size) throw new RangeError(`RSA block content of ${inside} bytes does not fit ${rsa.size}`);
  const block = new Uint8Array(rsa.size);
  block.set(all.subarray(start));
  block.set(pad(rsa.size - inside), inside);
  block[0] = 0; // the first RSA byte must be 0 (and keeps the number below the modulus)
  const out = new Uint8Array(start + rsa.size);
  out.set(all.subarray(0, start));
  out.set(rsa.encrypt(block), start);
  return out;
}

const zeros = (n: number): Uint8Array => new Uint8Array(n);

/** Client → server 0x0A, as OTClient's ProtocolGame::sendLoginPacket writes it. */
export function gameLoginPacket(o: GameLoginOptions): Uint8Array {
  const v = o.version;
  const w = new MessageWriter().u8(0x0a).u16(OS_OTCLIENT_LINUX).u16(v);
  if (v >= 980) w.u32(v);
  if (v >= 1281) w.string(String(v));
  if (v >= 1334) w.string('appearancesHash');
  else if (v >= 1071) w.u16(0x1234);
  if (v >= 980) w.u8(0);
  const start = w.length;
  w.u8(0).u32(o.xteaKey[0]).u32(o.xteaKey[1]).u32(o.xteaKey[2]).u32(o.xteaKey[3]);
  w.u8(0); // gamemaster
  const account = o.account ?? 'tester@example.org';
  const password = o.password ?? 'hunter2';
  const character = o.character ?? 'Knight Tester';
  if (v >= 1074) {
    w.string(`${account}\n${password}`);
    w.string(character);
  } else {
    if (v >= 840) w.string(account);
    else w.u32(Number(account) || 123456);
    w.string(character);
    w.string(password);
  }
  if (v >= 841) w.u32(o.challenge?.timestamp ?? 0).u8(o.challenge?.random ?? 0);
  return rsaBlock(w, start, o.rsa, o.pad ?? zeros);
}

/** Client → server 0x01 on the login service, as OTClient's ProtocolLogin:sendLoginPacket writes it (no OpenGL info, no token). */
export function accountLoginPacket(o: GameLoginOptions): Uint8Array {
  const v = o.version;
  const w = new MessageWriter().u8(0x01).u16(OS_OTCLIENT_LINUX).u16(v);
  if (v >= 980) w.u32(v);
  if (v >= 1071) w.u16(0x1234).u16(0);
  else w.u32(0x4a10cc1a);
  w.u32(0x57bbd603).u32(0x4e81c7b1);
  if (v >= 980) w.u8(0);
  const start = w.length;
  w.u8(0).u32(o.xteaKey[0]).u32(o.xteaKey[1]).u32(o.xteaKey[2]).u32(o.xteaKey[3]);
  if (v >= 840) w.string(o.account ?? 'tester');
  else w.u32(Number(o.account) || 123456);
  w.string(o.password ?? 'hunter2');
  return rsaBlock(w, start, o.rsa, o.pad ?? zeros);
}

/** Server → client 0x1F challenge. */
export const challenge = (timestamp: number, random: number): Uint8Array => new MessageWriter().u8(0x1f).u32(timestamp).u8(random).done();

export interface WorldSpec {
  readonly id: number;
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

/** Server → client MOTD + session key + 0x64 character list (world-list layout, > 10.10), as Canary's ProtocolLogin writes it. */
export function characterList(worlds: readonly WorldSpec[], characters: readonly { name: string; world: number }[], sessionKey: string): Uint8Array {
  const w = new MessageWriter().u8(0x14).string('1\nWelcome to the test world').u8(0x28).string(sessionKey).u8(0x64).u8(worlds.length);
  for (const x of worlds) w.u8(x.id).string(x.name).string(x.host).u16(x.port).u8(0);
  w.u8(characters.length);
  for (const c of characters) w.u8(c.world).string(c.name);
  return w.u8(30).u8(1).u32(1_900_000_000).done();
}

/** Legacy (≤ 10.10) character list: IPv4 as u32 per character. */
export function legacyCharacterList(chars: readonly { name: string; world: string; ip: number; port: number }[], version: number): Uint8Array {
  const w = new MessageWriter().u8(0x64).u8(chars.length);
  for (const c of chars) {
    w.string(c.name).string(c.world).u32(c.ip).u16(c.port);
    if (version >= 980) w.u8(0);
  }
  return w.u16(30).done();
}

/** A batch like Canary's first game frames: login success, then a text message. */
export function loginSuccess(playerId: number): Uint8Array {
  return new MessageWriter().u8(0x17).u32(playerId).u16(50).u16(0).u16(0).u8(1).done();
}

/** 0xB4 text message with a plain mode (MESSAGE_LOGIN = 17). */
export const textMessage = (mode: number, text: string): Uint8Array => new MessageWriter().u8(0xb4).u8(mode).string(text).done();

/** A map description: centre position and `n` bytes of tile data (repetitive, so it compresses like real map data). */
export function mapDescription(center: { x: number; y: number; z: number }, n: number): Uint8Array {
  const w = new MessageWriter().u8(0x64).position(center);
  for (let i = 0; i < n; i++) w.u8(i % 7 === 0 ? 0xff : (i * 31) & 0x3f);
  return w.done();
}

export const creatureMove = (id: number, to: { x: number; y: number; z: number }): Uint8Array =>
  new MessageWriter().u8(0x6d).u16(0xffff).u32(id).position(to).done();

export const creatureHealth = (id: number, percent: number): Uint8Array => new MessageWriter().u8(0x8c).u32(id).u8(percent).done();

export const say = (text: string): Uint8Array => new MessageWriter().u8(0x96).u8(1).string(text).done();
export const walk = (code: number): Uint8Array => Uint8Array.of(code);
export const ping = (): Uint8Array => Uint8Array.of(0x1d);
export const look = (p: { x: number; y: number; z: number }, itemId: number, stackpos: number): Uint8Array =>
  new MessageWriter().u8(0x8c).position(p).u16(itemId).u8(stackpos).done();
export const attack = (id: number, seq: number): Uint8Array => new MessageWriter().u8(0xa1).u32(id).u32(seq).done();
export const extendedOpcode = (op: number, data: string): Uint8Array => new MessageWriter().u8(0x32).u8(op).string(data).done();
export const logout = (): Uint8Array => Uint8Array.of(0x14);
