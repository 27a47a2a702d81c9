/**
 * Raw ("textbook", no padding) RSA on 128-byte blocks, as the OT login
 * packets use it: the client encrypts a block whose first plaintext byte is
 * 0 with the server's public key; the server (and this proxy, given the
 * server's private key) decrypts it.
 *
 * Two implementations: node:crypto with RSA_NO_PADDING (OpenSSL, CRT) for
 * the proxy, and BigInt modular exponentiation for keys given only as n/d
 * (no primes, so no CRT) — bench/otgame.bench.ts measures both.
 */
import { constants, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt, type KeyObject } from 'node:crypto';
import { OT_KEY } from './ot-key';

export const RSA_BLOCK = 128;

export interface RsaPrivateNumbers {
  readonly n: bigint;
  readonly e: bigint;
  readonly d: bigint;
  readonly p?: bigint;
  readonly q?: bigint;
}

export interface RsaPrivateKey {
  /** Size of the modulus in bytes (128 for the OT key). */
  readonly size: number;
  /** Decrypts one block (length = size); throws when the block is not smaller than the modulus. */
  decrypt(block: Uint8Array): Uint8Array;
  /** Encrypts one block with the public half (for test doubles and checks). */
  encrypt(block: Uint8Array): Uint8Array;
  /** "sha-like" short description for facts: modulus bits and its first hex digits. */
  readonly label: string;
}

export function bigintToBytes(x: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = size - 1; i >= 0 && x > 0n; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

export function bytesToBigint(b: Uint8Array): bigint {
  let x = 0n;
  for (const v of b) x = (x << 8n) | BigInt(v);
  return x;
}

export function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  base %= mod;
  while (exp > 0n) {
    if (exp & 1n) result = (result * base) % mod;
    base = (base * base) % mod;
    exp >>= 1n;
  }
  return result;
}

function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [a % m, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

const b64u = (x: bigint): string => {
  let hex = x.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return Buffer.from(hex, 'hex').toString('base64url');
};

function byteLength(n: bigint): number {
  return Math.ceil(n.toString(16).length / 2);
}

function labelOf(n: bigint): string {
  return `RSA-${n.toString(2).length} n=${n.toString(16).slice(0, 16)}…`;
}

/** BigInt modular exponentiation: works for any n/d pair, ~a few ms per 1024-bit block. */
export function bigintRsaKey(k: RsaPrivateNumbers): RsaPrivateKey {
  const size = byteLength(k.n);
  const check = (block: Uint8Array): bigint => {
    if (block.length !== size) throw new RangeError(`RSA block must be ${size} bytes, got ${block.length}`);
    const m = bytesToBigint(block);
    if (m >= k.n) throw new RangeError('RSA block is not smaller than the modulus');
    return m;
  };
  return {
    size,
    label: labelOf(k.n),
    decrypt: (block) => bigintToBytes(modPow(check(block), k.d, k.n), size),
    encrypt: (block) => bigintToBytes(modPow(check(block), k.e, k.n), size),
  };
}

/** OpenSSL through node:crypto with RSA_NO_PADDING; needs the primes (CRT). */
export function nodeRsaKey(key: KeyObject): RsaPrivateKey {
  if (key.asymmetricKeyType !== 'rsa') throw new TypeError(`expected an RSA private key, got ${key.asymmetricKeyType ?? 'a secret key'}`);
  const jwk = key.export({ format: 'jwk' });
  const n = BigInt(`0x${Buffer.from(jwk.n!, 'base64url').toString('hex')}`);
  const size = byteLength(n);
  const pub = createPublicKey(key);
  const sized = (block: Uint8Array): Uint8Array => {
    if (block.length !== size) throw new RangeError(`RSA block must be ${size} bytes, got ${block.length}`);
    return block;
  };
  return {
    size,
    label: labelOf(n),
    decrypt: (block) => new Uint8Array(privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, sized(block))),
    encrypt: (block) => new Uint8Array(publicEncrypt({ key: pub, padding: constants.RSA_NO_PADDING }, sized(block))),
  };
}

/** A node:crypto key from the numbers (CRT parameters derived); falls back to BigInt when the primes are unknown. */
export function rsaKeyFromNumbers(k: RsaPrivateNumbers): RsaPrivateKey {
  if (k.p === undefined || k.q === undefined) return bigintRsaKey(k);
  const { n, e, d, p, q } = k as Required<RsaPrivateNumbers>;
  if (p * q !== n) throw new RangeError('RSA key: p × q is not the modulus');
  const jwk = {
    kty: 'RSA',
    n: b64u(n),
    e: b64u(e),
    d: b64u(d),
    p: b64u(p),
    q: b64u(q),
    dp: b64u(d % (p - 1n)),
    dq: b64u(d % (q - 1n)),
    qi: b64u(modInverse(q, p)),
  };
  return nodeRsaKey(createPrivateKey({ key: jwk, format: 'jwk' }));
}

/** A private key from PEM text (a server's key.pem: PKCS#1 or PKCS#8). */
export function rsaKeyFromPem(pem: string): RsaPrivateKey {
  return nodeRsaKey(createPrivateKey(pem));
}

let otKey: RsaPrivateKey | undefined;
/** The widely published OT server key (see ot-key.ts), built once. */
export function otServerKey(): RsaPrivateKey {
  otKey ??= rsaKeyFromNumbers(OT_KEY);
  return otKey;
}
