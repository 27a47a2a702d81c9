/**
 * Handshake cryptography of spec §4.1 on node:crypto: X25519 key agreement,
 * HKDF-SHA256 into the two direction keys, and the Ed25519 identity
 * signature over the transcript.
 */
import {
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  randomBytes,
  sign,
  verify,
  createHash,
  type KeyObject,
} from 'node:crypto';
import { PROTOCOL_NAME, concatBytes, toBase64Url, fromBase64, utf8Encode } from '../../src-shared/protocol';

// DER prefixes that wrap a raw 32-byte key as PKCS#8 (private) or SPKI (public).
const PKCS8 = {
  x25519: Buffer.from('302e020100300506032b656e04220420', 'hex'),
  ed25519: Buffer.from('302e020100300506032b657004220420', 'hex'),
};
const SPKI = {
  x25519: Buffer.from('302a300506032b656e032100', 'hex'),
  ed25519: Buffer.from('302a300506032b6570032100', 'hex'),
};

type Curve = 'x25519' | 'ed25519';

export function privateKeyFromRaw(curve: Curve, raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new RangeError(`${curve} private key must be 32 bytes, got ${raw.length}`);
  return createPrivateKey({ key: Buffer.concat([PKCS8[curve], raw]), format: 'der', type: 'pkcs8' });
}

export function publicKeyFromRaw(curve: Curve, raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new RangeError(`${curve} public key must be 32 bytes, got ${raw.length}`);
  return createPublicKey({ key: Buffer.concat([SPKI[curve], raw]), format: 'der', type: 'spki' });
}

export function rawPublicKey(key: KeyObject): Uint8Array {
  const der = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return new Uint8Array(der.subarray(der.length - 32));
}

export function rawPrivateKey(key: KeyObject): Uint8Array {
  const der = key.export({ format: 'der', type: 'pkcs8' });
  return new Uint8Array(der.subarray(der.length - 32));
}

export interface KeyPair {
  readonly privateKey: KeyObject;
  readonly publicRaw: Uint8Array;
}

export function keyPairFromRaw(curve: Curve, raw: Uint8Array): KeyPair {
  const privateKey = privateKeyFromRaw(curve, raw);
  return { privateKey, publicRaw: rawPublicKey(privateKey) };
}

/** A fresh key pair (ephemeral X25519, or a new Ed25519 identity). */
export function generateKeyPair(curve: Curve): KeyPair {
  return keyPairFromRaw(curve, randomBytes(32));
}

export const HANDSHAKE_LABEL = utf8Encode(`${PROTOCOL_NAME} handshake`);
const KEYS_INFO = utf8Encode(`${PROTOCOL_NAME} keys`);

/** transcript = "UP/2.0 handshake" ‖ clientKey ‖ clientNonce ‖ serverKey ‖ serverNonce ‖ UTF-8 sessionId */
export function transcript(
  clientKey: Uint8Array,
  clientNonce: Uint8Array,
  serverKey: Uint8Array,
  serverNonce: Uint8Array,
  sessionId: string,
): Uint8Array {
  return concatBytes(HANDSHAKE_LABEL, clientKey, clientNonce, serverKey, serverNonce, utf8Encode(sessionId));
}

export interface SessionKeys {
  /** client→server key: okm[0:32] */
  readonly clientToServer: Uint8Array;
  /** server→client key: okm[32:64] */
  readonly serverToClient: Uint8Array;
}

/** shared = X25519(own, peer); okm = HKDF-SHA256(shared, clientNonce ‖ serverNonce, "UP/2.0 keys", 64). */
export function deriveSessionKeys(
  ownPrivate: KeyObject,
  peerPublicRaw: Uint8Array,
  clientNonce: Uint8Array,
  serverNonce: Uint8Array,
): SessionKeys {
  let shared: Buffer;
  try {
    shared = diffieHellman({ privateKey: ownPrivate, publicKey: publicKeyFromRaw('x25519', peerPublicRaw) });
  } catch (e) {
    // OpenSSL refuses to derive from a low-order point (the all-zero secret of RFC 7748 §6.1).
    throw new Error(`X25519 key agreement failed: the peer's key is invalid or low-order (${(e as Error).message})`);
  }
  if (shared.every((b) => b === 0)) throw new Error('X25519 produced an all-zero secret: the peer key is low-order');
  const okm = new Uint8Array(hkdfSync('sha256', shared, concatBytes(clientNonce, serverNonce), KEYS_INFO, 64));
  return { clientToServer: okm.slice(0, 32), serverToClient: okm.slice(32, 64) };
}

export function signTranscript(identity: KeyObject, data: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, data, identity));
}

export function verifyTranscript(identityPublicRaw: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  try {
    return verify(null, data, publicKeyFromRaw('ed25519', identityPublicRaw), signature);
  } catch {
    return false;
  }
}

/**
 * A short, human-comparable fingerprint of an identity key: SHA-256 of the
 * raw public key, first 16 bytes as colon-separated hex (as ssh and browsers
 * show certificate fingerprints).
 */
export function fingerprint(identityPublicRaw: Uint8Array): string {
  const h = createHash('sha256').update(identityPublicRaw).digest();
  return [...h.subarray(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

export const b64u = { encode: toBase64Url, decode: fromBase64 };
