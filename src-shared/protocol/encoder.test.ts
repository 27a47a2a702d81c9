import { describe, expect, it } from 'vitest';
import { FrameEncoder, toBodyBytes } from './encoder';
import { FrameDecoder, type DecodedFrame } from './decoder';
import { MessageType } from './catalogue';
import { ProtocolError } from './errors';
import { readHeader } from './header';
import { lz4Js } from './lz4';
import { allocBytes, utf8EncodeScratch } from './alloc';
import { bytesEqual, toHex, utf8Decode, utf8Encode } from './bytes';
import { Flag, HEADER_SIZE } from './constants';

const HB = MessageType.HEARTBEAT;

describe('FrameEncoder', () => {
  it('an object, its JSON text and its UTF-8 bytes give the same frame', () => {
    const enc = new FrameEncoder();
    const body = { t: 1700000000000, note: 'héllo → ☃ 𝄞' };
    const a = enc.encode({ type: HB, seq: 1, body }).slice();
    const b = enc.encode({ type: HB, seq: 1, body: JSON.stringify(body) }).slice();
    const c = enc.encode({ type: HB, seq: 1, body: utf8Encode(JSON.stringify(body)) }).slice();
    expect(toHex(a)).toBe(toHex(b));
    expect(toHex(a)).toBe(toHex(c));
    expect(utf8Decode(a.subarray(HEADER_SIZE))).toBe(JSON.stringify(body));
  });

  it('frames from the pool never share bytes: each keeps its contents after later encodes', () => {
    const enc = new FrameEncoder();
    const frames = Array.from({ length: 200 }, (_, i) => enc.encode({ type: HB, seq: i + 1, body: { t: i, pad: 'p'.repeat(i % 50) } }));
    frames.forEach((f, i) => {
      const h = readHeader(f, 0, 1 << 20);
      expect(h.seq).toBe(i + 1);
      expect(h.length).toBe(f.length - HEADER_SIZE);
      expect(JSON.parse(utf8Decode(f.subarray(HEADER_SIZE)))).toEqual({ t: i, pad: 'p'.repeat(i % 50) });
    });
    const a = allocBytes(10);
    const b = allocBytes(10);
    a.fill(1);
    expect(b.every((x) => x === 0)).toBe(true);
    expect(allocBytes(100_000).byteOffset).toBe(0); // large buffers are their own
  });

  it('the scratch encoder handles every UTF-16 case, large bodies included', () => {
    for (const s of ['', 'ascii', 'é☃𝄞', '\ud800 lone surrogate', 'x'.repeat(70_000), '☃'.repeat(30_000)]) {
      expect(bytesEqual(utf8EncodeScratch(s).slice(), utf8Encode(s))).toBe(true);
    }
  });

  it('writes type, seq, ref, RESPONSE and priority into the header', () => {
    const f = new FrameEncoder().encode({ type: MessageType.AUTH_LOGOUT, seq: 3, ref: 9, response: true, priority: 2, body: { ok: true } });
    expect(readHeader(f, 0, 1 << 20)).toEqual({ type: 0x02, flags: 0x14, seq: 3, ref: 9, length: 11 });
  });

  it('refuses header fields that would be truncated on the wire', () => {
    const enc = new FrameEncoder();
    expect(() => enc.encode({ type: 300, seq: 1, body: {} })).toThrow(/type must be an integer in 0..255, got 300/);
    expect(() => enc.encode({ type: HB, seq: -1, body: {} })).toThrow(/seq must be/);
    expect(() => enc.encode({ type: HB, seq: 2 ** 32, body: {} })).toThrow(/seq must be/);
    expect(() => enc.encode({ type: HB, seq: 1.5, body: {} })).toThrow(RangeError);
    expect(() => enc.encode({ type: HB, seq: 1, ref: -2, body: {} })).toThrow(/ref must be/);
    expect(() => enc.encode({ type: HB, seq: 1, priority: 4 as 0, body: {} })).toThrow(/priority/);
    expect(enc.encode({ type: HB, seq: 0xffffffff, ref: 0xffffffff, body: { t: 1 } })[6]).toBe(0xff);
  });

  it('FRAME_TOO_LARGE when the payload is over the peer limit', () => {
    const enc = new FrameEncoder({ maxPayload: 100 });
    enc.encode({ type: HB, seq: 1, body: { t: 1, p: 'x'.repeat(80) } });
    let err: unknown;
    try {
      enc.encode({ type: HB, seq: 2, body: { t: 1, p: 'x'.repeat(100) } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe('FRAME_TOO_LARGE');
    expect((err as ProtocolError).frame?.seq).toBe(2);
  });

  it('compresses only above the threshold, and only when it saves more than the 4-byte prefix', () => {
    const enc = new FrameEncoder({ compressor: lz4Js });
    const dec = new FrameDecoder({ compressor: lz4Js, checkSequence: false });
    const roundTrip = (body: object) => {
      const f = enc.encode({ type: HB, seq: 1, body });
      const r = [...dec.feed(f)][0] as DecodedFrame;
      expect(r.body).toEqual(body);
      return f;
    };
    const small = roundTrip({ t: 1, p: 'a'.repeat(1000) }); // 1016 bytes: at or under 1024, never tried
    expect(small[4]! & Flag.COMPRESSED).toBe(0);
    const big = roundTrip({ t: 1, p: 'a'.repeat(1100) });
    expect(big[4]! & Flag.COMPRESSED).toBe(Flag.COMPRESSED);
    expect(big.length).toBeLessThan(100);
    // Incompressible: base64 of noise does not shrink enough, so it goes as it is.
    let x = 1;
    const noise = Array.from({ length: 1500 }, () => ((x = (x * 1103515245 + 12345) >>> 0), 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'[x >>> 26]!)).join('');
    expect(roundTrip({ t: 1, p: noise })[4]! & Flag.COMPRESSED).toBe(0);
    // No compressor: never compressed.
    expect(new FrameEncoder().encode({ type: HB, seq: 1, body: { t: 1, p: 'a'.repeat(5000) } })[4]! & Flag.COMPRESSED).toBe(0);
  });

  it('a key needs an Aead', () => {
    expect(() => new FrameEncoder({ key: new Uint8Array(32) })).toThrow(/needs an Aead/);
    expect(() => new FrameEncoder().setKey(new Uint8Array(32))).toThrow(/needs an Aead/);
    expect(new FrameEncoder().encrypting).toBe(false);
  });

  it('toBodyBytes keeps bytes as they are and encodes the rest', () => {
    const b = Uint8Array.of(0x7b, 0x7d);
    expect(toBodyBytes(b)).toBe(b);
    expect(toBodyBytes('{}')).toEqual(b);
    expect(toBodyBytes({})).toEqual(b);
  });
});
