import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { Direction, FrameDecoder, FrameEncoder, MessageType } from '../../src-shared/protocol';
import { nodeAead } from './aead';
import { batchedGcm, gcmCounters } from './gcm';
import { aeadFromEnv } from './ports';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const nonceOf = (direction: number, seq: number): Uint8Array => {
  const n = Buffer.alloc(12);
  n.writeUInt32BE(direction, 0);
  n.writeUInt32BE(seq, 8);
  return n;
};
/** Uses a key as a busy session does (see PROMOTE_AFTER in gcm.ts), so what follows takes the batched path. */
const warm = (key: Uint8Array): Uint8Array => {
  for (let i = 1; i <= 140; i++) batchedGcm.seal(key, nonceOf(3, i), new Uint8Array(1), new Uint8Array(0));
  return key;
};
const same = (a: Uint8Array | null, b: Uint8Array | null): boolean => a !== null && b !== null && Buffer.from(a).equals(Buffer.from(b));

describe('batchedGcm', () => {
  it('reproduces the GCM spec vector for AES-256 with AAD (test case 16), on the batched path', () => {
    // McGrew & Viega, "The Galois/Counter Mode of Operation", test case 16.
    const key = hex('feffe9928665731c6d6a8f9467308308 feffe9928665731c6d6a8f9467308308');
    const iv = hex('cafebabefacedbaddecaf888');
    const aad = hex('feedfacedeadbeeffeedfacedeadbeef abaddad2');
    const plain = hex(
      'd9313225f88406e5a55909c5aff5269a 86a7a9531534f7da2e4c303d8a318a72 1c3c0c95956809532fcf0e2449a6b525 b16aedf5aa0de657ba637b39',
    );
    const expected = hex(
      '522dc1f099567d07f47f37a32a84427d 643a8cdcbfe5c0c97598a2bd2555d1aa 8cb08e48590dbb3da7b08b1056828838 c5f61e6393ba7a0abcc9f662' +
        '76fc6ece0f4e1768cddf8853bb2d551b',
    );
    warm(key);
    const before = gcmCounters.batched;
    const sealed = batchedGcm.seal(key, iv, plain, aad);
    expect(gcmCounters.batched).toBe(before + 1);
    expect(Buffer.from(sealed).toString('hex')).toBe(Buffer.from(expected).toString('hex'));
    expect(same(batchedGcm.open(key, iv, expected, aad), plain)).toBe(true);
    expect(gcmCounters.batched).toBe(before + 2);
  });

  it('equals node:crypto for any key, sizes and sequence of nonces (in order, with gaps, both directions)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(fc.record({ jump: fc.oneof(fc.constant(1), fc.constant(1), fc.nat(40), fc.integer({ min: -5, max: -1 })), dir: fc.constantFrom(1, 2, 1), size: fc.oneof(fc.nat(120), fc.nat(700)), aad: fc.nat(40) }), { minLength: 1, maxLength: 40 }),
        fc.nat(0xffff_ff00),
        (keyBytes, steps, start) => {
          const key = warm(Uint8Array.from(keyBytes)); // a fresh object: states are per key object
          let seq = start;
          for (const s of steps) {
            seq = Math.max(0, Math.min(0xffff_ffff, seq + s.jump));
            const nonce = nonceOf(s.dir, seq);
            const plain = Uint8Array.from({ length: s.size }, (_, i) => (i * 31 + seq) & 0xff);
            const aad = Uint8Array.from({ length: s.aad }, (_, i) => (i * 7 + s.dir) & 0xff);
            const ours = batchedGcm.seal(key, nonce, plain, aad);
            const theirs = nodeAead.seal(key, nonce, plain, aad);
            expect(Buffer.from(ours).toString('hex')).toBe(Buffer.from(theirs).toString('hex'));
            expect(same(batchedGcm.open(key, nonce, theirs, aad), plain)).toBe(true);
          }
        },
      ),
      { numRuns: 150, seed: 11 },
    );
  });

  it('sealInto writes at the offset only, with the AAD a view of the same buffer before it (as the encoder does)', () => {
    const key = warm(new Uint8Array(32).fill(3));
    for (let seq = 1; seq <= 20; seq++) {
      const plain = Uint8Array.from({ length: 10 * seq }, (_, i) => i);
      const out = new Uint8Array(18 + plain.length + 16 + 4).fill(0xa5);
      out.set(Uint8Array.from({ length: 18 }, (_, i) => i + seq), 0);
      const aad = out.subarray(0, 18);
      batchedGcm.sealInto!(key, nonceOf(1, seq), plain, aad, out, 18);
      expect(Buffer.from(out.subarray(18, 18 + plain.length + 16)).equals(Buffer.from(nodeAead.seal(key, nonceOf(1, seq), plain, aad)))).toBe(true);
      expect(out.subarray(18 + plain.length + 16).every((b) => b === 0xa5)).toBe(true);
    }
    expect(() => batchedGcm.sealInto!(key, nonceOf(1, 30), new Uint8Array(8), new Uint8Array(0), new Uint8Array(20), 0)).toThrow(RangeError);
  });

  it('refuses every altered byte of ciphertext, tag or AAD, a wrong nonce and a wrong key, and a payload shorter than a tag', () => {
    const key = warm(new Uint8Array(32).fill(5));
    const aad = new Uint8Array(18).fill(2);
    const plain = Uint8Array.from({ length: 70 }, (_, i) => i);
    const sealed = batchedGcm.seal(key, nonceOf(2, 2), plain, aad);
    for (let i = 0; i < sealed.length; i++) {
      const bad = Uint8Array.from(sealed);
      bad[i]! ^= 0x01;
      expect(batchedGcm.open(key, nonceOf(2, 2), bad, aad)).toBeNull();
    }
    for (let i = 0; i < aad.length; i++) {
      const bad = Uint8Array.from(aad);
      bad[i]! ^= 0x80;
      expect(batchedGcm.open(key, nonceOf(2, 2), sealed, bad)).toBeNull();
    }
    expect(batchedGcm.open(key, nonceOf(2, 3), sealed, aad)).toBeNull();
    expect(batchedGcm.open(key, nonceOf(1, 2), sealed, aad)).toBeNull();
    expect(batchedGcm.open(new Uint8Array(32).fill(6), nonceOf(2, 2), sealed, aad)).toBeNull();
    expect(batchedGcm.open(key, nonceOf(2, 2), sealed.subarray(0, 15), aad)).toBeNull();
    expect(same(batchedGcm.open(key, nonceOf(2, 2), sealed, aad), plain)).toBe(true);
  });

  it('a wrong key length fails as node:crypto does, and large frames take node:crypto', () => {
    expect(() => batchedGcm.seal(new Uint8Array(16), nonceOf(1, 1), new Uint8Array(4), new Uint8Array(0))).toThrow();
    const key = warm(new Uint8Array(32).fill(8));
    const native = gcmCounters.native;
    const big = new Uint8Array(5000).fill(1);
    const sealed = batchedGcm.seal(key, nonceOf(1, 2), big, new Uint8Array(0));
    expect(gcmCounters.native).toBe(native + 1);
    expect(same(sealed, nodeAead.seal(key, nonceOf(1, 2), big, new Uint8Array(0)))).toBe(true);
  });

  it('frames through the encoder and decoder open on both implementations, in either direction', () => {
    const key = warm(new Uint8Array(32).fill(9));
    const enc = new FrameEncoder({ aead: batchedGcm, compressor: null, key, direction: Direction.CLIENT_TO_SERVER });
    const dec = new FrameDecoder({ aead: nodeAead, compressor: null, key, direction: Direction.CLIENT_TO_SERVER });
    const back = new FrameEncoder({ aead: nodeAead, compressor: null, key, direction: Direction.CLIENT_TO_SERVER });
    const ours = new FrameDecoder({ aead: batchedGcm, compressor: null, key, direction: Direction.CLIENT_TO_SERVER });
    const before = gcmCounters.batched;
    for (let i = 1; i <= 50; i++) {
      const body = { t: i, pad: 'x'.repeat(i * 3) };
      expect([...dec.feed(enc.encode({ type: MessageType.HEARTBEAT, seq: i, body }))]).toMatchObject([{ body }]);
      expect([...ours.feed(back.encode({ type: MessageType.HEARTBEAT, seq: i, body }))]).toMatchObject([{ body }]);
    }
    expect(gcmCounters.batched - before).toBeGreaterThan(90);
  });

  it('keeps a key that is used under 128 times a second on node:crypto, and batches it once it gets busy', () => {
    let clock = 1000;
    const now = vi.spyOn(performance, 'now').mockImplementation(() => clock);
    try {
      const key = new Uint8Array(32).fill(12);
      const aad = new Uint8Array(18);
      const batched = gcmCounters.batched;
      let seq = 0;
      for (let i = 0; i < 400; i++) {
        clock += 10; // 100 frames a second
        const nonce = nonceOf(1, ++seq);
        const sealed = batchedGcm.seal(key, nonce, new Uint8Array(30), aad);
        expect(same(sealed, nodeAead.seal(key, nonce, new Uint8Array(30), aad))).toBe(true);
      }
      expect(gcmCounters.batched).toBe(batched);
      for (let i = 0; i < 140; i++) {
        clock += 1; // 1000 frames a second
        const nonce = nonceOf(1, ++seq);
        const sealed = batchedGcm.seal(key, nonce, new Uint8Array(30), aad);
        expect(same(sealed, nodeAead.seal(key, nonce, new Uint8Array(30), aad))).toBe(true);
      }
      expect(gcmCounters.batched - batched).toBeGreaterThanOrEqual(8);
    } finally {
      now.mockRestore();
    }
  });
});

describe('OTBRIDGE_AEAD', () => {
  it('picks the port: batched by default, node:crypto on request, and refuses anything else by name', () => {
    expect(aeadFromEnv(undefined)).toBe(batchedGcm);
    expect(aeadFromEnv('')).toBe(batchedGcm);
    expect(aeadFromEnv('batched')).toBe(batchedGcm);
    expect(aeadFromEnv('node')).toBe(nodeAead);
    expect(() => aeadFromEnv('openssl')).toThrow(/OTBRIDGE_AEAD must be "batched" or "node", not "openssl"/);
  });
});
