/**
 * AES-256-GCM for small frames without a native cipher object per frame.
 *
 * node:crypto needs a new cipher object for every nonce. On the 60–200-byte
 * frames of a game session that object is most of the cost: about 5.5 µs a
 * seal or open on the benchmark machine, and each object also leaves a weak
 * handle and an output ArrayBuffer for the next young-generation GC, which
 * lengthens every scavenge (the relay's pauses were ~1 µs per object).
 *
 * UP/2.0's nonce is `u32 direction ‖ u64 seq` with seq + 1 per frame, so the
 * nonces of the next frames of a key are known in advance. Per key this
 * module keeps one long-lived `aes-256-ecb` cipher and encrypts the counter
 * blocks of the next FRAMES_AHEAD frames in one call (the GCM keystream and
 * each frame's tag mask E(J0)); GHASH runs in JS with Shoup's 8-bit tables
 * (4 KiB per key). Frames larger than MAX_BLOCKS blocks, a key until it is
 * busy (see PROMOTE_AFTER), or a key that is not a 32-byte array go to
 * node:crypto, whose native GHASH wins on long inputs.
 *
 * The output is AES-256-GCM byte for byte (tested against node:crypto and
 * the GCM spec's vectors). One difference from OpenSSL: the table lookups of
 * GHASH are not constant-time, so a process sharing the CPU cache could in
 * principle learn about the hash key from timing. otbridge's peers and
 * proxy are debugging tools on loopback; `nodeAead` (aead.ts) stays
 * available where that matters.
 */
import { createCipheriv, type Cipher } from 'node:crypto';
import { readU32BE, writeU32BE, type Aead } from '../../src-shared/protocol';
import { nodeAead } from './aead';

const TAG = 16;
/** Frames of one key whose counter blocks are encrypted in one AES call. */
const FRAMES_AHEAD = 8;
/** The most 16-byte blocks per frame (tag mask included) served from the batch: plaintexts up to 384 bytes. */
const MAX_BLOCKS = 25;
/** Blocks per frame a fresh key starts with (plaintexts up to 112 bytes); grows with the frames seen. */
const FIRST_BLOCKS = 8;

/** How often each path ran (for tests and profiles). */
export const gcmCounters = { batched: 0, native: 0, refills: 0 };

/**
 * R8[b]: what multiplying by x^8 adds to the top word for the byte b shifted
 * out of the low end (GCM's bit order: the first bit of a block is x^0).
 */
const R8 = new Int32Array(256);
{
  const z = new Int32Array(4);
  for (let b = 0; b < 256; b++) {
    z.fill(0);
    z[3] = b;
    for (let i = 0; i < 8; i++) mulX(z);
    R8[b] = z[0]!;
  }
}

/** z = z · x in GF(2^128), GCM's reflected representation (z[0] holds bytes 0–3, big-endian). */
function mulX(z: Int32Array): void {
  const lsb = z[3]! & 1;
  z[3] = (z[3]! >>> 1) | (z[2]! << 31);
  z[2] = (z[2]! >>> 1) | (z[1]! << 31);
  z[1] = (z[1]! >>> 1) | (z[0]! << 31);
  z[0] = (z[0]! >>> 1) ^ (lsb ? 0xe1000000 : 0);
}

/** The big-endian word at `i`, its bytes at or past `end` read as zero (the padding of a last partial block). */
function wordAt(b: Uint8Array, i: number, end: number): number {
  if (i + 4 <= end) return readU32BE(b, i);
  let w = 0;
  for (let k = 0; k < 4; k++) w = (w << 8) | (i + k < end ? b[i + k]! : 0);
  return w;
}

/**
 * y = GHASH step over bytes [from, to) of `data` (the last block zero-padded):
 * for each block X, y = (y ⊕ X) · H, with H's table `m`.
 */
function ghash(m: Int32Array, y: Int32Array, data: Uint8Array, from: number, to: number): void {
  let y0 = y[0]!;
  let y1 = y[1]!;
  let y2 = y[2]!;
  let y3 = y[3]!;
  for (let i = from; i < to; i += 16) {
    const x0 = y0 ^ wordAt(data, i, to);
    const x1 = y1 ^ wordAt(data, i + 4, to);
    const x2 = y2 ^ wordAt(data, i + 8, to);
    const x3 = y3 ^ wordAt(data, i + 12, to);
    y0 = 0;
    y1 = 0;
    y2 = 0;
    y3 = 0;
    // Horner over the block's bytes from the last to the first: y = y · x^8 ⊕ M[byte].
    for (let j = 15; j >= 0; j--) {
      const w = j >= 12 ? x3 : j >= 8 ? x2 : j >= 4 ? x1 : x0;
      const k = ((w >>> ((3 - (j & 3)) << 3)) & 0xff) << 2;
      const rem = y3 & 0xff;
      y3 = ((y3 >>> 8) | (y2 << 24)) ^ m[k + 3]!;
      y2 = ((y2 >>> 8) | (y1 << 24)) ^ m[k + 2]!;
      y1 = ((y1 >>> 8) | (y0 << 24)) ^ m[k + 1]!;
      y0 = (y0 >>> 8) ^ R8[rem]! ^ m[k]!;
    }
  }
  y[0] = y0;
  y[1] = y1;
  y[2] = y2;
  y[3] = y3;
}

/** The final GHASH block: the AAD's and the ciphertext's lengths in bits, u64 each. */
function ghashLengths(m: Int32Array, y: Int32Array, aadBytes: number, textBytes: number): void {
  const a = aadBytes * 8;
  const c = textBytes * 8;
  writeU32BE(lengthBlock, 0, Math.floor(a / 0x1_0000_0000));
  writeU32BE(lengthBlock, 4, a >>> 0);
  writeU32BE(lengthBlock, 8, Math.floor(c / 0x1_0000_0000));
  writeU32BE(lengthBlock, 12, c >>> 0);
  ghash(m, y, lengthBlock, 0, 16);
}

const lengthBlock = new Uint8Array(16);
const acc = new Int32Array(4);
/** Counter blocks of one refill (shared: read by the AES call only). */
const counters = new Uint8Array(FRAMES_AHEAD * MAX_BLOCKS * 16);

/** Everything kept for one key: its AES-ECB cipher, H's table and the keystream of the next frames. */
class KeyState {
  private readonly ecb: Cipher;
  readonly m = new Int32Array(1024);
  private n0 = 0;
  private n1 = 0;
  private first = 0;
  private count = 0;
  private blocks = FIRST_BLOCKS;
  /** Keystream of frames first … first + count - 1, `blocks` blocks each: E(J0), then E(J0 + 1), … */
  ks: Uint8Array = new Uint8Array(0);

  constructor(key: Uint8Array) {
    this.ecb = createCipheriv('aes-256-ecb', key, null);
    this.ecb.setAutoPadding(false);
    const h = this.ecb.update(new Uint8Array(16));
    // m[4b … 4b+3] = the block whose first byte is b, times H. Bit 7 of byte 0 is x^0, so M[0x80] = H.
    const z = new Int32Array([readU32BE(h, 0), readU32BE(h, 4), readU32BE(h, 8), readU32BE(h, 12)]);
    for (let bit = 0x80; bit >= 1; bit >>= 1) {
      this.m.set(z, bit * 4);
      mulX(z);
    }
    for (let p = 2; p < 256; p <<= 1) {
      for (let j = 1; j < p; j++) {
        for (let w = 0; w < 4; w++) this.m[(p + j) * 4 + w] = this.m[p * 4 + w]! ^ this.m[j * 4 + w]!;
      }
    }
  }

  /** Offset in `ks` of the keystream for `nonce` (`need` blocks: the tag mask and the data), refilling when it is not there. */
  keystream(nonce: Uint8Array, need: number): number {
    const n0 = readU32BE(nonce, 0);
    const n1 = readU32BE(nonce, 4);
    const seq = readU32BE(nonce, 8) >>> 0;
    if (n0 !== this.n0 || n1 !== this.n1 || seq < this.first || seq - this.first >= this.count || need > this.blocks) {
      this.refill(n0, n1, seq, need);
    }
    return (seq - this.first) * this.blocks * 16;
  }

  private refill(n0: number, n1: number, seq: number, need: number): void {
    gcmCounters.refills++;
    if (need > this.blocks) this.blocks = need;
    const blocks = this.blocks;
    // The 32-bit part of the nonce does not wrap into the next word: fewer frames near its end.
    const count = Math.min(FRAMES_AHEAD, 0x1_0000_0000 - seq);
    let o = 0;
    for (let f = 0; f < count; f++) {
      for (let c = 1; c <= blocks; c++, o += 16) {
        writeU32BE(counters, o, n0);
        writeU32BE(counters, o + 4, n1);
        writeU32BE(counters, o + 8, seq + f);
        writeU32BE(counters, o + 12, c);
      }
    }
    this.ks = this.ecb.update(counters.subarray(0, o));
    this.n0 = n0;
    this.n1 = n1;
    this.first = seq;
    this.count = count;
  }
}

/**
 * A key on node:crypto until it proves busy: PROMOTE_AFTER frames within
 * PROMOTE_WITHIN_MS. A key with a few frames a second (an idle or slow
 * session) gains little from a keystream made ahead, and its 4 KiB table
 * would be cold in the CPU cache at each frame: with 1000 such sessions the
 * reference server and its bots measured no gain (and more idle CPU when
 * the burst of a login was enough to promote a key), while a busy proxy leg
 * is promoted within its first 128 frames.
 */
const PROMOTE_AFTER = 128;
const PROMOTE_WITHIN_MS = 1000;

interface Probation {
  frames: number;
  since: number;
}

const states = new WeakMap<Uint8Array, KeyState | Probation>();

function stateFor(key: Uint8Array, nonce: Uint8Array, need: number): KeyState | null {
  if (need > MAX_BLOCKS || nonce.length !== 12 || key.length !== 32) return null;
  const s = states.get(key);
  if (s instanceof KeyState) return s;
  if (s === undefined) {
    states.set(key, { frames: 1, since: performance.now() });
    return null;
  }
  if (++s.frames < PROMOTE_AFTER) return null;
  const now = performance.now();
  if (now - s.since > PROMOTE_WITHIN_MS) {
    s.frames = 0;
    s.since = now;
    return null;
  }
  const created = new KeyState(key);
  states.set(key, created);
  return created;
}

/** ghash(aad, text) ⊕ E(J0), left in `acc`. */
function tagInto(st: KeyState, ko: number, aad: Uint8Array, text: Uint8Array, from: number, to: number): void {
  acc.fill(0);
  ghash(st.m, acc, aad, 0, aad.length);
  ghash(st.m, acc, text, from, to);
  ghashLengths(st.m, acc, aad.length, to - from);
  const ks = st.ks;
  acc[0] = acc[0]! ^ readU32BE(ks, ko);
  acc[1] = acc[1]! ^ readU32BE(ks, ko + 4);
  acc[2] = acc[2]! ^ readU32BE(ks, ko + 8);
  acc[3] = acc[3]! ^ readU32BE(ks, ko + 12);
}

const blocksFor = (bytes: number): number => 1 + ((bytes + 15) >>> 4);

export const batchedGcm: Aead = {
  sealInto(key, nonce, plaintext, aad, out, offset) {
    const n = plaintext.length;
    if (offset + n + TAG > out.length) throw new RangeError(`sealInto: ${n} + ${TAG} bytes do not fit at ${offset} of ${out.length}`);
    const need = blocksFor(n);
    const st = stateFor(key, nonce, need);
    if (!st) {
      gcmCounters.native++;
      nodeAead.sealInto!(key, nonce, plaintext, aad, out, offset);
      return;
    }
    gcmCounters.batched++;
    const ko = st.keystream(nonce, need);
    const ks = st.ks;
    const d = ko + 16 - offset;
    for (let i = offset, end = offset + n, p = 0; i < end; i++, p++) out[i] = plaintext[p]! ^ ks[i + d]!;
    tagInto(st, ko, aad, out, offset, offset + n);
    writeU32BE(out, offset + n, acc[0]!);
    writeU32BE(out, offset + n + 4, acc[1]!);
    writeU32BE(out, offset + n + 8, acc[2]!);
    writeU32BE(out, offset + n + 12, acc[3]!);
  },
  seal(key, nonce, plaintext, aad) {
    const out = Buffer.allocUnsafe(plaintext.length + TAG);
    batchedGcm.sealInto!(key, nonce, plaintext, aad, out, 0);
    return out;
  },
  open(key, nonce, sealed, aad) {
    if (sealed.length < TAG) return null;
    const n = sealed.length - TAG;
    const need = blocksFor(n);
    const st = stateFor(key, nonce, need);
    if (!st) {
      gcmCounters.native++;
      return nodeAead.open(key, nonce, sealed, aad);
    }
    gcmCounters.batched++;
    const ko = st.keystream(nonce, need);
    tagInto(st, ko, aad, sealed, 0, n);
    // Compared in full whatever differs first.
    const diff = (acc[0]! ^ readU32BE(sealed, n)) | (acc[1]! ^ readU32BE(sealed, n + 4)) | (acc[2]! ^ readU32BE(sealed, n + 8)) | (acc[3]! ^ readU32BE(sealed, n + 12));
    if (diff !== 0) return null;
    const out = Buffer.allocUnsafe(n);
    const ks = st.ks;
    const k0 = ko + 16;
    for (let i = 0; i < n; i++) out[i] = sealed[i]! ^ ks[k0 + i]!;
    return out;
  },
};
