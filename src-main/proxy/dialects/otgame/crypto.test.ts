import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generateKeyPairSync } from 'node:crypto';
import { adler32 } from './adler32';
import { OT_KEY } from './ot-key';
import { bigintRsaKey, modPow, nodeRsaKey, otServerKey, rsaKeyFromPem } from './rsa';
import { readXteaKey, writeXteaKey, xteaDecryptInPlace, xteaDecryptInto, xteaEncryptInPlace, xteaSchedule, type XteaKey } from './xtea';

/** OTClient's Protocol::xteaDecrypt loop, transliterated: rounds outside, blocks inside, sums computed on the fly. */
function referenceDecrypt(key: XteaKey, data: Uint8Array): void {
  const delta = 0x9e3779b9;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0, sum = Math.imul(delta, 32) >>> 0, next = (sum - delta) >>> 0; i < 32; i++, sum = next, next = (next - delta) >>> 0) {
    for (let j = 0; j < data.length; j += 8) {
      let left = dv.getUint32(j, true);
      let right = dv.getUint32(j + 4, true);
      right = (right - (((((left << 4) ^ (left >>> 5)) + left) ^ (sum + key[(sum >>> 11) & 3]!)) >>> 0)) >>> 0;
      left = (left - (((((right << 4) ^ (right >>> 5)) + right) ^ (next + key[next & 3]!)) >>> 0)) >>> 0;
      dv.setUint32(j, left, true);
      dv.setUint32(j + 4, right, true);
    }
  }
}

const keyArb = fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat()).map(([a, b, c, d]) => [a >>> 0, (b * 7) >>> 0, (c * 13) >>> 0, (d * 31) >>> 0] as const);

describe('XTEA', () => {
  it('matches the published XTEA test vector (words read big-endian there, little-endian here)', () => {
    // Key 00010203 04050607 08090a0b 0c0d0e0f, plaintext 41424344 45464748 → 497df3d0 72612cb5.
    const s = xteaSchedule([0x00010203, 0x04050607, 0x08090a0b, 0x0c0d0e0f]);
    const block = Uint8Array.of(0x44, 0x43, 0x42, 0x41, 0x48, 0x47, 0x46, 0x45);
    xteaEncryptInPlace(s, block);
    expect(Array.from(block)).toEqual([0xd0, 0xf3, 0x7d, 0x49, 0xb5, 0x2c, 0x61, 0x72]);
    xteaDecryptInPlace(s, block);
    expect(Array.from(block)).toEqual([0x44, 0x43, 0x42, 0x41, 0x48, 0x47, 0x46, 0x45]);
  });

  it('decrypts like OTClient’s own loop and round-trips any multiple of 8 bytes', () => {
    fc.assert(
      fc.property(keyArb, fc.uint8Array({ minLength: 0, maxLength: 40 }), (key, raw) => {
        const data = raw.subarray(0, raw.length - (raw.length % 8));
        const s = xteaSchedule(key);
        const enc = data.slice();
        xteaEncryptInPlace(s, enc);
        const mine = enc.slice();
        xteaDecryptInPlace(s, mine);
        const theirs = enc.slice();
        referenceDecrypt(s.key, theirs);
        expect(mine).toEqual(data);
        expect(theirs).toEqual(data);
      }),
    );
  });

  it('decrypts four, two and one blocks side by side exactly as one at a time (every length up to 40 blocks)', () => {
    fc.assert(
      fc.property(keyArb, fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 }), (key, blocks, lead, dstLead) => {
        const s = xteaSchedule(key);
        const plain = Uint8Array.from({ length: blocks * 8 }, (_, i) => (i * 151 + blocks) & 0xff);
        const src = new Uint8Array(lead + plain.length + 3).fill(0xaa);
        src.set(plain, lead);
        xteaEncryptInPlace(s, src, lead, lead + plain.length);
        const reference = src.slice(lead, lead + plain.length);
        referenceDecrypt(s.key, reference);
        expect(reference).toEqual(plain);
        // Into another buffer at an unaligned offset, the source left as it was.
        const before = src.slice();
        const dst = new Uint8Array(dstLead + plain.length + 5).fill(0x55);
        xteaDecryptInto(s, src, lead, lead + plain.length, dst, dstLead);
        expect(dst.subarray(dstLead, dstLead + plain.length)).toEqual(plain);
        expect(dst.subarray(0, dstLead).every((b) => b === 0x55)).toBe(true);
        expect(dst.subarray(dstLead + plain.length).every((b) => b === 0x55)).toBe(true);
        expect(src).toEqual(before);
        // In place.
        xteaDecryptInPlace(s, src, lead, lead + plain.length);
        expect(src.subarray(lead, lead + plain.length)).toEqual(plain);
        expect(src.subarray(lead + plain.length).every((b) => b === 0xaa)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('works on a sub-range and leaves the bytes around it alone', () => {
    const s = xteaSchedule([1, 2, 3, 4]);
    const b = new Uint8Array(20).fill(7);
    xteaEncryptInPlace(s, b, 6, 14);
    expect(Array.from(b.subarray(0, 6))).toEqual([7, 7, 7, 7, 7, 7]);
    expect(Array.from(b.subarray(14))).toEqual([7, 7, 7, 7, 7, 7]);
    xteaDecryptInPlace(s, b, 6, 14);
    expect(b.every((x) => x === 7)).toBe(true);
  });

  it('reads and writes the key as four little-endian u32', () => {
    const b = new Uint8Array(17);
    writeXteaKey(b, 1, [0x01020304, 0xffffffff, 0, 0x80000000]);
    expect(b[1]).toBe(0x04);
    expect(readXteaKey(b, 1)).toEqual([0x01020304, 0xffffffff, 0, 0x80000000]);
  });
});

describe('Adler-32', () => {
  it('gives the RFC 1950 values', () => {
    expect(adler32(new TextEncoder().encode('Wikipedia'))).toBe(0x11e60398);
    expect(adler32(new Uint8Array(0))).toBe(1);
  });

  it('stays exact on long runs of 0xff (the modulo is taken before the sums overflow)', () => {
    const b = new Uint8Array(100_000).fill(0xff);
    // Straightforward definition, modulo at every step.
    let a = 1;
    let s = 0;
    for (const x of b) {
      a = (a + x) % 65521;
      s = (s + a) % 65521;
    }
    expect(adler32(b)).toBe(((s << 16) | a) >>> 0);
  });

  it('covers a range', () => {
    const b = new TextEncoder().encode('xxWikipediayy');
    expect(adler32(b, 2, 11)).toBe(0x11e60398);
  });
});

describe('RSA', () => {
  it('holds the published OT key together: p·q = n, e·d ≡ 1 (mod λ)', () => {
    expect(OT_KEY.p * OT_KEY.q).toBe(OT_KEY.n);
    const lambda = ((OT_KEY.p - 1n) * (OT_KEY.q - 1n)) / gcd(OT_KEY.p - 1n, OT_KEY.q - 1n);
    expect((OT_KEY.e * OT_KEY.d) % lambda).toBe(1n);
  });

  it('node:crypto (no padding) and BigInt agree on the OT key, both ways', () => {
    const node = otServerKey();
    const big = bigintRsaKey(OT_KEY);
    expect(node.size).toBe(128);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 127, maxLength: 127 }), (tail) => {
        const block = new Uint8Array(128);
        block.set(tail, 1); // first byte 0: below the modulus, as the protocol requires
        const c = node.encrypt(block);
        expect(big.encrypt(block)).toEqual(c);
        expect(node.decrypt(c)).toEqual(block);
        expect(big.decrypt(c)).toEqual(block);
      }),
      { numRuns: 20 },
    );
  });

  it('refuses blocks of the wrong size or not below the modulus', () => {
    const big = bigintRsaKey(OT_KEY);
    expect(() => big.decrypt(new Uint8Array(127))).toThrow(/128 bytes/);
    expect(() => big.decrypt(new Uint8Array(128).fill(0xff))).toThrow(/modulus/);
    expect(() => otServerKey().decrypt(new Uint8Array(64))).toThrow(/128 bytes/);
  });

  it('loads a server key.pem (PKCS#1 and PKCS#8)', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    for (const type of ['pkcs1', 'pkcs8'] as const) {
      const k = rsaKeyFromPem(privateKey.export({ type, format: 'pem' }) as string);
      const block = new Uint8Array(128);
      block[5] = 9;
      expect(k.decrypt(k.encrypt(block))).toEqual(block);
    }
    expect(() => nodeRsaKey(generateKeyPairSync('ed25519').privateKey)).toThrow(/RSA/);
  });

  it('modPow is plain modular exponentiation', () => {
    expect(modPow(4n, 13n, 497n)).toBe(445n);
  });
});

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a;
}
