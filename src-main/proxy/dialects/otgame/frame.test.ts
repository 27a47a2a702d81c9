import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deflateRawSync } from 'node:zlib';
import { adler32 } from './adler32';
import { decodeFrame, encodeFrame, type FrameState } from './frame';
import { framingForVersion, type FrameLayout } from './framing';
import { FrameSplitter } from './splitter';
import { xteaEncryptInPlace, xteaSchedule } from './xtea';

const KEY = xteaSchedule([0x11111111, 0x22222222, 0x33333333, 0x44444444]);
const le32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];

const STATES: Record<string, FrameState> = {
  'classic, Adler-32, XTEA (8.40–12.86)': { layout: 'classic', checksum: 'adler32', xtea: KEY },
  'classic, sequence, XTEA (12.90–14.04)': { layout: 'classic', checksum: 'sequence', xtea: KEY },
  'blocks, sequence, XTEA (14.05+)': { layout: 'blocks', checksum: 'sequence', xtea: KEY },
  'classic, no checksum, XTEA (< 8.40)': { layout: 'classic', checksum: 'none', xtea: KEY },
  'classic, Adler-32, clear (login packet)': { layout: 'classic', checksum: 'adler32', xtea: null },
  'blocks, Adler-32, clear (14.05 login packet)': { layout: 'blocks', checksum: 'adler32', xtea: null },
};

describe('framing by version', () => {
  it('follows OTClient’s switches: checksum from 8.40, sequence from 12.90, blocks from 14.05', () => {
    expect(framingForVersion(772)).toEqual({ layout: 'classic', initialChecksum: 'none', sessionChecksum: 'none' });
    expect(framingForVersion(860)).toEqual({ layout: 'classic', initialChecksum: 'adler32', sessionChecksum: 'adler32' });
    expect(framingForVersion(1290)).toEqual({ layout: 'classic', initialChecksum: 'adler32', sessionChecksum: 'sequence' });
    expect(framingForVersion(1412).layout).toBe('blocks');
  });
});

describe('golden frames (built by hand from the upstream writers)', () => {
  it('reads Canary’s current challenge: u16 1 block, Adler-32 of 8 bytes, padding count 1, 0x1F ts rnd, 0x71', () => {
    const inner = [0x01, 0x1f, ...le32(1_700_000_000), 0x42, 0x71];
    const frame = Uint8Array.from([0x01, 0x00, ...le32(adler32(Uint8Array.from(inner))), ...inner]);
    const d = decodeFrame(frame, { layout: 'blocks', checksum: 'adler32', xtea: null });
    expect(d.error).toBeUndefined();
    expect(Array.from(d.payload!)).toEqual([0x1f, ...le32(1_700_000_000), 0x42]);
    expect(encodeFrame(d.payload!, { layout: 'blocks', checksum: 'adler32', xtea: null }, { padByte: 0x71 })).toEqual(frame);
  });

  it('reads the legacy challenge: u16 12, Adler-32, u16 inner length 6, 0x1F ts rnd', () => {
    const inner = [0x06, 0x00, 0x1f, ...le32(0x6553f100), 0x42];
    const frame = Uint8Array.from([12, 0, ...le32(adler32(Uint8Array.from(inner))), ...inner]);
    const d = decodeFrame(frame, { layout: 'classic', checksum: 'adler32', xtea: null, plainInnerLength: true });
    expect(d.flags).toContain('INNER_LENGTH');
    expect(Array.from(d.payload!)).toEqual([0x1f, 0x00, 0xf1, 0x53, 0x65, 0x42]);
  });

  it('reads a 12.90 sequenced compressed XTEA frame built step by step', () => {
    const message = new Uint8Array(300).map((_, i) => i % 5);
    const z = new Uint8Array(deflateRawSync(message));
    const inner = new Uint8Array(Math.ceil((z.length + 2) / 8) * 8);
    inner[0] = z.length & 0xff;
    inner[1] = z.length >> 8;
    inner.set(z, 2);
    xteaEncryptInPlace(KEY, inner);
    const frame = Uint8Array.from([...[(inner.length + 4) & 0xff, (inner.length + 4) >> 8], ...le32(0x80000007), ...inner]);
    const d = decodeFrame(frame, STATES['classic, sequence, XTEA (12.90–14.04)']!);
    expect(d.error).toBeUndefined();
    expect(d.seq).toBe(7);
    expect(d.compressed).toBe(true);
    expect(d.flags).toEqual(['SEQUENCED', 'COMPRESSED', 'XTEA']);
    expect(d.payload).toEqual(message);
  });

  it('reads a 14.05 frame: length counts 8-byte blocks after the sequence, padding count opens the XTEA body', () => {
    const message = Uint8Array.of(0x1e); // ping
    const inner = Uint8Array.of(6, 0x1e, 0, 0, 0, 0, 0, 0);
    xteaEncryptInPlace(KEY, inner);
    const frame = Uint8Array.from([1, 0, ...le32(3), ...inner]);
    const d = decodeFrame(frame, STATES['blocks, sequence, XTEA (14.05+)']!);
    expect(d.payload).toEqual(message);
    expect(d.seq).toBe(3);
  });
});

describe('encodeFrame ↔ decodeFrame', () => {
  for (const [name, st] of Object.entries(STATES)) {
    it(`round-trips any message: ${name}`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 1, maxLength: 600 }), fc.integer({ min: 0, max: 0x7fffffff }), fc.boolean(), (msg, seq, compress) => {
          const frame = encodeFrame(msg, st, { seq, compress });
          const d = decodeFrame(frame, st);
          expect(d.error).toBeUndefined();
          expect(d.payload).toEqual(msg);
          if (st.checksum === 'sequence') expect(d.seq).toBe(seq);
          const sp = new FrameSplitter();
          sp.push(frame);
          expect(sp.next(st.layout)).toEqual(frame);
        }),
        { numRuns: 60 },
      );
    });
  }
});

describe('decode problems are reported precisely', () => {
  const st = STATES['classic, sequence, XTEA (12.90–14.04)']!;

  it('bad Adler-32', () => {
    const a = STATES['classic, Adler-32, XTEA (8.40–12.86)']!;
    const f = encodeFrame(Uint8Array.of(1, 2, 3), a);
    f[f.length - 1] = f[f.length - 1]! ^ 1;
    expect(decodeFrame(f, a).error).toMatch(/^BAD_CHECKSUM: frame says 0x[0-9a-f]{8}, its 8 bytes sum to 0x[0-9a-f]{8}$/);
  });

  it('XTEA body not a multiple of 8', () => {
    const f = Uint8Array.from([9, 0, 1, 0, 0, 0, 1, 2, 3, 4, 5]);
    expect(decodeFrame(f, st).error).toBe('XTEA_BLOCK: encrypted body of 5 bytes is not a non-empty multiple of 8');
  });

  it('wrong XTEA key: inner length past the body', () => {
    const f = encodeFrame(new Uint8Array(20).fill(1), st, { seq: 1 });
    const other = { ...st, xtea: xteaSchedule([9, 9, 9, 9]) };
    // A wrong key yields a random inner length: almost always too large; loop over keys until one is.
    let err: string | undefined;
    for (let k = 1; k < 50 && !err; k++) err = decodeFrame(f, { ...other, xtea: xteaSchedule([k, k, k, k]) }).error;
    expect(err).toMatch(/^XTEA_LENGTH: inner length \d+ exceeds the 22 decrypted bytes \(wrong XTEA key/);
  });

  it('14.05 padding count above 7', () => {
    const b = STATES['blocks, sequence, XTEA (14.05+)']!;
    const inner = Uint8Array.of(9, 1, 2, 3, 4, 5, 6, 7);
    xteaEncryptInPlace(KEY, inner);
    const f = Uint8Array.from([1, 0, 1, 0, 0, 0, ...inner]);
    expect(decodeFrame(f, b).error).toBe('XTEA_PADDING: padding count 9 is impossible for 8 decrypted bytes (wrong XTEA key, or the key of another session?)');
  });

  it('corrupted DEFLATE stream', () => {
    const z = new Uint8Array(deflateRawSync(new Uint8Array(400).fill(3)));
    z[0] = 0xff; // invalid block type
    const inner = new Uint8Array(Math.ceil((z.length + 2) / 8) * 8);
    inner.set([z.length & 0xff, z.length >> 8]);
    inner.set(z, 2);
    xteaEncryptInPlace(KEY, inner);
    const f = Uint8Array.from([(inner.length + 4) & 0xff, (inner.length + 4) >> 8, ...le32(0x80000001), ...inner]);
    expect(decodeFrame(f, st).error).toMatch(/^DEFLATE: .+ \(compressed body of \d+ bytes\)$/);
  });

  it('truncated DEFLATE stream', () => {
    const msg = new Uint8Array(2000).map((_, i) => (i * 7) % 251);
    const good = encodeFrame(msg, st, { seq: 1, compress: true });
    const z = new Uint8Array(deflateRawSync(msg)).subarray(0, 40);
    const inner = new Uint8Array(Math.ceil((z.length + 2) / 8) * 8);
    inner.set([z.length, 0]);
    inner.set(z, 2);
    xteaEncryptInPlace(KEY, inner);
    const f = Uint8Array.from([(inner.length + 4) & 0xff, 0, ...le32(0x80000001), ...inner]);
    expect(decodeFrame(good, st).payload).toEqual(msg);
    expect(decodeFrame(f, st).error).toMatch(/^DEFLATE: unexpected end of data \(compressed body of 40 bytes\)$/);
  });

  it('DEFLATE bomb: inflating past the bound is refused', () => {
    const big = new Uint8Array(200_000);
    const f = encodeFrame(big, st, { seq: 1, compress: true });
    expect(decodeFrame(f, st).error).toBe('DEFLATE: body inflates past 65536 bytes');
    expect(decodeFrame(f, { ...st, maxInflated: 300_000 }).payload?.length).toBe(200_000);
  });

  it('frames too short for their header', () => {
    expect(decodeFrame(Uint8Array.of(1), st).error).toMatch(/^TRUNCATED: 1 byte/);
    expect(decodeFrame(Uint8Array.of(2, 0, 1, 2), st).error).toMatch(/^TRUNCATED: 4-byte frame has no room for its 4-byte sequence/);
  });

  it('never throws on hostile bytes, whatever the state', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(...Object.values(STATES)), fc.boolean(), (bytes, s, inner) => {
        const d = decodeFrame(bytes, { ...s, plainInnerLength: inner });
        expect(d.payload !== undefined || d.error !== undefined).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('decoded messages stay valid while later frames are decoded (they share buffers)', () => {
  const blocks = STATES['blocks, sequence, XTEA (14.05+)']!;
  const classic = STATES['classic, sequence, XTEA (12.90–14.04)']!;
  const message = (n: number, seed: number): Uint8Array => new Uint8Array(n).map((_, i) => (i * seed + (i >> 3)) & 0xff);

  it('any mix of sizes, compressed or not, in both layouts: every payload still holds its own bytes at the end', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 20_000 }), fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 40 }),
        (specs) => {
          const sent = specs.map(([n, compress], i) => ({ bytes: message(n, 2 * i + 3), compress }));
          const states = specs.map(([, , b]) => (b ? blocks : classic));
          const got = sent.map((m, i) => decodeFrame(encodeFrame(m.bytes, states[i]!, { seq: i + 1, compress: m.compress }), states[i]!));
          for (const [i, d] of got.entries()) {
            expect(d.error).toBeUndefined();
            expect(d.payload).toEqual(sent[i]!.bytes);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a 14.05 frame larger than 64 KiB gets a buffer of its own: small frames decoded after it do not write into it', () => {
    const big = message(100_000, 7);
    const first = decodeFrame(encodeFrame(big, blocks, { seq: 1 }), blocks);
    const later = Array.from({ length: 50 }, (_, i) => decodeFrame(encodeFrame(message(500, i + 1), blocks, { seq: i + 2, compress: i % 2 === 0 }), blocks));
    expect(first.payload).toEqual(big);
    for (const [i, d] of later.entries()) expect(d.payload).toEqual(message(500, i + 1));
  });
});

describe('FrameSplitter', () => {
  it('cuts frames at any chunking, across layouts switched between frames', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 90 }), { minLength: 1, maxLength: 8 }), fc.array(fc.nat(40), { maxLength: 20 }), (msgs, cuts) => {
        const layouts = msgs.map((_, i): FrameLayout => (i % 2 ? 'blocks' : 'classic'));
        const frames = msgs.map((m, i) => encodeFrame(m, { layout: layouts[i]!, checksum: 'sequence', xtea: KEY }, { seq: i }));
        const all = Uint8Array.from(frames.flatMap((f) => Array.from(f)));
        const sp = new FrameSplitter();
        const got: Uint8Array[] = [];
        let at = 0;
        for (const c of [...cuts, all.length]) {
          const end = Math.min(all.length, at + c);
          sp.push(all.subarray(at, end));
          at = end;
          for (let f = sp.next(layouts[got.length] ?? 'classic'); f; f = sp.next(layouts[got.length] ?? 'classic')) got.push(f);
        }
        expect(got).toEqual(frames);
        expect(sp.buffered).toBe(0);
      }),
    );
  });

  it('waits for the rest of a frame and keeps partial bytes', () => {
    const sp = new FrameSplitter();
    sp.push(Uint8Array.of(5, 0, 1, 2));
    expect(sp.next('classic')).toBeNull();
    expect(sp.buffered).toBe(4);
    sp.push(Uint8Array.of(3, 4, 5, 9));
    expect(Array.from(sp.next('classic')!)).toEqual([5, 0, 1, 2, 3, 4, 5]);
    expect(Array.from(sp.drain())).toEqual([9]);
  });

  it('grows past its initial buffer for the largest 14.05 frame', () => {
    const sp = new FrameSplitter();
    const f = new Uint8Array(2 + 0xffff * 8 + 4);
    f[0] = 0xff;
    f[1] = 0xff;
    for (let i = 0; i < f.length; i += 1000) sp.push(f.subarray(i, i + 1000));
    expect(sp.next('blocks')?.length).toBe(f.length);
  });
});
