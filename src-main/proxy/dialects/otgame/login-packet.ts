/**
 * The client's first packet on each service, which carries the XTEA key in
 * its RSA block:
 *
 *   game  0x0A  u16 os · u16 protocol version · [u32 client version ≥ 9.80]
 *               · [string version ≥ 12.81] · [string assets hash ≥ 13.34 | u16 content
 *               revision ≥ 10.71] · [u8 preview ≥ 9.80] · RSA(0 · xtea key · u8 gm ·
 *               session key, character | account, character, password · challenge)
 *   login 0x01  u16 os · u16 protocol version · [u32 client version ≥ 9.80]
 *               · (u16 content revision, u16 0 ≥ 10.71 | u32 dat signature) · u32 spr
 *               · u32 pic · [u8 preview ≥ 9.80] · RSA(0 · xtea key · account · password …)
 *               · [OpenGL info ≥ 10.61] · [RSA(authenticator token) ≥ 10.72]
 *
 * (OTClient protocolgamesend.cpp and modules/gamelib/protocollogin.lua,
 * Canary ProtocolGame/ProtocolLogin::onRecvFirstMessage.) The RSA block is
 * looked for where the version puts it; when it does not decrypt to a
 * leading 0 there, other offsets are tried and a block is accepted only if
 * its plaintext parses — so a wrong key is reported, never guessed around.
 */
import { FieldError, Reader } from './reader';
import { RSA_BLOCK, type RsaPrivateKey } from './rsa';
import { readXteaKey, type XteaKey } from './xtea';
import { REDACTED, redactSessionKey } from './redact';
import { type Service } from './opcodes';

export interface LoginPacket {
  readonly service: Service;
  readonly os: number;
  readonly protocolVersion: number;
  /** The version OTClient keys its features on: the u32 client version when sent, else the protocol version. */
  readonly version: number;
  readonly xteaKey?: XteaKey;
  /** Offset of the RSA block in the message. */
  readonly rsaOffset?: number;
  /** Decoded fields, secrets redacted. */
  readonly fields: Record<string, unknown>;
  /** "CODE: detail" when the packet could not be read or decrypted. */
  readonly error?: string;
}

const plausibleVersion = (v: number): boolean => v >= 700 && v <= 9999;

/** Reads the clear prelude; returns the expected RSA offset. */
function prelude(r: Reader, service: Service, f: Record<string, unknown>): { version: number; os: number; protocolVersion: number } {
  const os = r.u16('os');
  const protocolVersion = r.u16('protocol version');
  let version = protocolVersion;
  f.os = os;
  f.protocolVersion = protocolVersion;
  if (protocolVersion >= 980 || protocolVersion === 0) {
    const cv = r.u32('client version');
    f.clientVersion = cv;
    if (plausibleVersion(cv)) version = cv;
  }
  if (service === 'game') {
    if (version >= 1281) f.versionString = r.string('version string');
    if (version >= 1334) f.assetsHash = r.string('assets hash');
    else if (version >= 1071) f.contentRevision = r.u16('content revision');
    if (version >= 980) f.previewState = r.u8('preview state');
  } else {
    if (version >= 1071) {
      f.contentRevision = r.u16('content revision');
      r.u16('reserved');
    } else f.datSignature = r.u32('dat signature');
    f.sprSignature = r.u32('spr signature');
    f.picSignature = r.u32('pic signature');
    if (version >= 980) f.previewState = r.u8('preview state');
  }
  return { version, os, protocolVersion };
}

/** The fields inside the game login RSA block (after 0 and the key). */
function gameSecretFields(r: Reader, version: number, os: number): Record<string, unknown> {
  const f: Record<string, unknown> = { gamemaster: r.u8('gamemaster flag') };
  if (f.gamemaster !== 0 && f.gamemaster !== 1) throw new FieldError(`gamemaster flag is ${String(f.gamemaster)}, not 0 or 1`);
  if (version >= 1074) {
    f.sessionKey = redactSessionKey(r.string('session key'));
    // Canary reads two more strings from the new Linux client (os 5) before the character.
    if (os === 5 && version >= 1200) {
      r.string('linux info');
      r.string('linux info');
    }
    f.character = r.string('character');
  } else {
    f.account = version >= 840 ? r.string('account') : r.u32('account number');
    f.character = r.string('character');
    r.string('password');
    f.password = REDACTED;
  }
  if (version >= 841) f.challenge = { timestamp: r.u32('challenge timestamp'), random: r.u8('challenge random') };
  return f;
}

function loginSecretFields(r: Reader, version: number): Record<string, unknown> {
  const f: Record<string, unknown> = { account: version >= 840 ? r.string('account') : r.u32('account number') };
  r.string('password');
  f.password = REDACTED;
  return f;
}

function tryBlock(
  payload: Uint8Array,
  at: number,
  key: RsaPrivateKey,
  parse: (r: Reader) => Record<string, unknown>,
): { xteaKey: XteaKey; fields: Record<string, unknown> } | { why: string } | null {
  if (at < 0 || at + key.size > payload.length) return null;
  let plain: Uint8Array;
  try {
    plain = key.decrypt(payload.subarray(at, at + key.size));
  } catch {
    return { why: `is not below the server key's modulus` };
  }
  if (plain[0] !== 0) return { why: `decrypts to a first byte of 0x${plain[0]!.toString(16).padStart(2, '0')}, not 0` };
  try {
    const r = new Reader(plain, 1);
    const xteaKey = readXteaKey(plain, 1);
    r.skip(16, 'xtea key');
    return { xteaKey, fields: parse(r) };
  } catch (e) {
    if (e instanceof FieldError) return { why: `decrypts to a leading 0 but not to a login (${e.message})` };
    throw e;
  }
}

/** Parses a client's first message (opcode included); `key` null: passthrough, the RSA block stays closed. */
export function parseLoginPacket(payload: Uint8Array, key: RsaPrivateKey | null, versionOverride = 0): LoginPacket {
  const op = payload[0];
  const service: Service | undefined = op === 0x0a ? 'game' : op === 0x01 ? 'login' : undefined;
  const fields: Record<string, unknown> = {};
  if (!service)
    return {
      service: 'game',
      os: 0,
      protocolVersion: 0,
      version: versionOverride,
      fields,
      error: `LOGIN_PACKET: first client message opens with ${op === undefined ? 'nothing' : `0x${op.toString(16).padStart(2, '0')}`}, not 0x0A (game) or 0x01 (login)`,
    };
  const r = new Reader(payload, 1);
  let pre: { version: number; os: number; protocolVersion: number };
  try {
    pre = prelude(r, service, fields);
  } catch (e) {
    if (!(e instanceof FieldError)) throw e;
    return { service, os: 0, protocolVersion: 0, version: versionOverride, fields, error: `LOGIN_PACKET: ${e.message}` };
  }
  const version = versionOverride || pre.version;
  const base = { service, os: pre.os, protocolVersion: pre.protocolVersion, version };
  if (!key) return { ...base, fields: { ...fields, encrypted: `${payload.length - r.pos} bytes (passthrough: no server key)` } };
  if (payload.length - r.pos < RSA_BLOCK)
    return { ...base, fields, error: `LOGIN_PACKET: ${payload.length - r.pos} bytes after the ${r.pos}-byte prelude, fewer than one ${RSA_BLOCK}-byte RSA block` };
  const parse = (rr: Reader): Record<string, unknown> => (service === 'game' ? gameSecretFields(rr, version, pre.os) : loginSecretFields(rr, version));
  const expected = r.pos;
  const candidates = [expected, ...(service === 'game' ? [payload.length - key.size] : [])];
  for (let at = 5; at + key.size <= payload.length && at <= 96; at++) if (!candidates.includes(at)) candidates.push(at);
  let atExpected: string | undefined;
  for (const at of candidates) {
    const got = tryBlock(payload, at, key, parse);
    if (!got) continue;
    if ('why' in got) {
      if (at === expected) atExpected = got.why;
      continue;
    }
    const extra: Record<string, unknown> = at === expected ? {} : { rsaOffsetNote: `RSA block found at offset ${at}, not at ${expected} where version ${version} puts it` };
    return { ...base, xteaKey: got.xteaKey, rsaOffset: at, fields: { ...fields, xteaKey: REDACTED, ...got.fields, ...extra } };
  }
  const why = atExpected === undefined ? `no ${key.size}-byte block of this message decrypts with the server key` : `the ${key.size}-byte block at offset ${expected} ${atExpected}`;
  return {
    ...base,
    fields,
    error: `RSA_DECRYPT: ${why}: the client encrypted its login for another public key than the one given to the proxy (${key.label}); Canary logs "RSA Decrypt Failed" and closes the connection`,
  };
}
