import { describe, expect, it } from 'vitest';
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { FrameDecoder, parseBody, type DecodedFrame } from './decoder';
import { FrameEncoder } from './encoder';
import { MessageType, Messages } from './catalogue';
import { ProtocolError } from './errors';
import { encodeHeader, readHeader } from './header';
import { lz4Js } from './lz4';
import { concatBytes, utf8Encode } from './bytes';
import { Flag, HEADER_SIZE } from './constants';
import type { Aead } from './ports';
import { heartbeat, validStream } from '../../test-support/up2-frames';

/** AES-256-GCM on node:crypto for these tests (src-shared tests may not import src-main's port). */
const gcm: Aead = {
  seal(key, nonce, plaintext, aad) {
    const c = createCipheriv('aes-256-gcm', key, nonce).setAAD(aad);
    return concatBytes(c.update(plaintext), c.final(), c.getAuthTag());
  },
  open(key, nonce, sealed, aad) {
    const d = createDecipheriv('aes-256-gcm', key, nonce).setAAD(aad);
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    try {
      return concatBytes(d.update(sealed.subarray(0, sealed.length - 16)), d.final());
    } catch {
      return null;
    }
  },
};
const KEY = new Uint8Array(32).fill(3);

const all = (d: FrameDecoder, ...chunks: Uint8Array[]) => chunks.flatMap((c) => [...d.feed(c)]);
const codes = (rs: (DecodedFrame | ProtocolError)[]) => rs.map((r) => (r instanceof ProtocolError ? r.code : r.def.name));

/** A plaintext frame of any type code with a JSON body, bypassing the catalogue. */
function rawFrame(type: number, seq: number, body: string, flags = 0x10): Uint8Array {
  const payload = utf8Encode(body);
  return concatBytes(encodeHeader({ type, flags, seq, ref: 0, length: payload.length }), payload);
}

describe('FrameDecoder', () => {
  it('decodes a stream fed one byte at a time, checking the sequence', () => {
    const { frames, bytes } = validStream(9);
    const d = new FrameDecoder();
    const got = all(d, ...Array.from(bytes, (b) => Uint8Array.of(b)));
    expect(got.map((r) => (r as DecodedFrame).header.seq)).toEqual(frames.map((_, i) => i + 1));
    expect(codes(got)).toEqual(['HEARTBEAT', 'PLAYER_MOVE', 'PLAYER_ACTION', 'PLAYER_MOVE', 'HEARTBEAT', 'PLAYER_ACTION', 'HEARTBEAT', 'PLAYER_MOVE', 'PLAYER_ACTION']);
    expect((got[1] as DecodedFrame).body).toEqual({ direction: 'ne' });
    expect(d.nextSeq).toBe(10);
    expect(d.buffered).toBe(0);
  });

  it('BAD_SEQUENCE for a skipped, repeated or zero seq — fatal', () => {
    for (const seqs of [[1, 3], [1, 1], [0], [2]]) {
      const d = new FrameDecoder();
      const got = all(d, ...seqs.map((s) => heartbeat(s)));
      const last = got[got.length - 1] as ProtocolError;
      expect(last.code).toBe('BAD_SEQUENCE');
      expect(last.fatal).toBe(true);
      expect(d.failed).toBe(last);
    }
  });

  it('a fatal error above the framing drops the bytes that followed it (found by the mutation property)', () => {
    const d = new FrameDecoder();
    const got = all(d, concatBytes(heartbeat(1), heartbeat(3), heartbeat(4).subarray(0, 10)));
    expect(codes(got)).toEqual(['HEARTBEAT', 'BAD_SEQUENCE']);
    expect(d.buffered).toBe(0);
    expect(all(d, heartbeat(4).subarray(10))).toEqual([]);
  });

  it('without sequence checking, any seq is accepted', () => {
    const d = new FrameDecoder({ checkSequence: false });
    expect(codes(all(d, heartbeat(5), heartbeat(5), heartbeat(1)))).toEqual(['HEARTBEAT', 'HEARTBEAT', 'HEARTBEAT']);
  });

  it('after setKey, a plaintext frame is BAD_FLAGS (fatal); encrypted frames decode', () => {
    const enc = new FrameEncoder({ aead: gcm, direction: 1 });
    const d = new FrameDecoder({ aead: gcm, direction: 1 });
    const hs = enc.encode({ type: MessageType.HEARTBEAT, seq: 1, body: { t: 1 } });
    enc.setKey(KEY);
    const sealed = enc.encode({ type: MessageType.HEARTBEAT, seq: 2, body: { t: 2 } });
    expect(codes(all(d, hs))).toEqual(['HEARTBEAT']);
    d.setKey(KEY);
    const r = all(d, sealed);
    expect((r[0] as DecodedFrame).body).toEqual({ t: 2 });
    expect((r[0] as DecodedFrame).header.flags & Flag.ENCRYPTED).toBe(Flag.ENCRYPTED);
    const plain = all(d, heartbeat(3));
    expect(codes(plain)).toEqual(['BAD_FLAGS']);
    expect((plain[0] as ProtocolError).message).toMatch(/plaintext frame after the handshake/);
    expect(d.failed?.code).toBe('BAD_FLAGS');
  });

  it('setKey(key, false) accepts plaintext too ("encryption": "none" negotiated)', () => {
    const d = new FrameDecoder({ aead: gcm });
    d.setKey(KEY, false);
    expect(codes(all(d, heartbeat(1)))).toEqual(['HEARTBEAT']);
  });

  it('an encrypted frame before any key, or under the wrong key or direction, is DECRYPT_FAILED', () => {
    const frame = new FrameEncoder({ aead: gcm, key: KEY, direction: 1 }).encode({ type: MessageType.HEARTBEAT, seq: 1, body: { t: 1 } });
    expect(codes(all(new FrameDecoder({ aead: gcm }), frame))).toEqual(['DECRYPT_FAILED']);
    expect(codes(all(new FrameDecoder({ aead: gcm, key: new Uint8Array(32), direction: 1 }), frame))).toEqual(['DECRYPT_FAILED']);
    expect(codes(all(new FrameDecoder({ aead: gcm, key: KEY, direction: 2 }), frame))).toEqual(['DECRYPT_FAILED']);
    const short = concatBytes(encodeHeader({ type: 5, flags: 0x12, seq: 1, ref: 0, length: 15 }), new Uint8Array(15));
    expect((all(new FrameDecoder({ aead: gcm, key: KEY }), short)[0] as ProtocolError).message).toMatch(/shorter than the GCM tag/);
  });

  it('an Aead that throws is DECRYPT_FAILED (fatal), not an escaped exception', () => {
    const throwing: Aead = { seal: gcm.seal, open: () => { throw new Error('bad key length'); } };
    const frame = new FrameEncoder({ aead: gcm, key: KEY }).encode({ type: MessageType.HEARTBEAT, seq: 1, body: { t: 1 } });
    const d = new FrameDecoder({ aead: throwing, key: KEY });
    const [r] = all(d, frame);
    expect((r as ProtocolError).code).toBe('DECRYPT_FAILED');
    expect(d.failed).toBe(r);
  });

  it('UNKNOWN_TYPE is reported, the frame skipped, and decoding continues', () => {
    const d = new FrameDecoder();
    const got = all(d, concatBytes(heartbeat(1), rawFrame(0x66, 2, '{"future":true}'), heartbeat(3)));
    expect(codes(got)).toEqual(['HEARTBEAT', 'UNKNOWN_TYPE', 'HEARTBEAT']);
    const e = got[1] as ProtocolError;
    expect(e.fatal).toBe(false);
    expect(e.frame).toEqual({ type: 0x66, seq: 2, ref: 0, flags: 0x10 });
    expect(e.message).toBe('UNKNOWN_TYPE: type 0x66 is not in the catalogue');
    expect(d.failed).toBeNull();
  });

  it('UNKNOWN_TYPE only after the frame authenticates; its body is not decompressed', () => {
    const enc = new FrameEncoder({ aead: gcm, key: KEY });
    const unknown = enc.encode({ type: 0x66, seq: 1, body: { x: 1 } });
    const d = new FrameDecoder({ aead: gcm, key: KEY });
    d.setKey(KEY);
    expect(codes(all(d, unknown))).toEqual(['UNKNOWN_TYPE']);
    // The same frame with one ciphertext bit flipped is an attack, not an unknown type.
    const tampered = enc.encode({ type: 0x66, seq: 2, body: { x: 1 } }).slice();
    tampered[HEADER_SIZE] = tampered[HEADER_SIZE]! ^ 1;
    expect(codes(all(d, tampered))).toEqual(['DECRYPT_FAILED']);
    // A compressed unknown-type frame whose block is garbage is skipped, not DECOMPRESS_FAILED.
    const junk = concatBytes(encodeHeader({ type: 0x67, flags: 0x11, seq: 1, ref: 0, length: 8 }), Uint8Array.of(0, 0, 0x10, 0, 0xff, 0xff, 0xff, 0xff));
    const plain = new FrameDecoder({ compressor: lz4Js });
    expect(codes(all(plain, junk, heartbeat(2)))).toEqual(['UNKNOWN_TYPE', 'HEARTBEAT']);
  });

  it('BAD_PAYLOAD (not fatal) for invalid UTF-8, non-JSON, non-object and schema violations, naming the field', () => {
    const d = new FrameDecoder();
    const got = all(
      d,
      rawFrame(0x05, 1, '{"t":"x\uFFFD"}'.replace('\uFFFD', '')),
      concatBytes(encodeHeader({ type: 5, flags: 0x10, seq: 2, ref: 0, length: 9 }), Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])),
      rawFrame(0x05, 3, '{oops'),
      rawFrame(0x05, 4, '[1,2]'),
      rawFrame(0x20, 5, '{"direction":"up"}'),
      rawFrame(0x31, 6, '{"id":"0b6f1c1e-3c8f-4d7a-9a51-2f0d3c4e5a61","ok":true}'),
      heartbeat(7),
    );
    expect(codes(got)).toEqual(['BAD_PAYLOAD', 'BAD_PAYLOAD', 'BAD_PAYLOAD', 'BAD_PAYLOAD', 'BAD_PAYLOAD', 'BAD_PAYLOAD', 'HEARTBEAT']);
    const messages = got.slice(0, 6).map((e) => (e as ProtocolError).detail);
    expect(messages).toEqual([
      'HEARTBEAT.t: expected a number, got "x"',
      'HEARTBEAT: body is not valid UTF-8',
      expect.stringMatching(/^HEARTBEAT: body is not JSON/),
      'HEARTBEAT: body must be a JSON object',
      'PLAYER_MOVE.direction: expected one of n, ne, e, se, s, sw, w, nw, got "up"',
      'EVENT_RESPONSE is only sent as a RESPONSE (set the RESPONSE flag and ref)',
    ]);
    for (const e of got.slice(0, 6)) expect((e as ProtocolError).frame?.seq).toBeGreaterThan(0);
  });

  it('validate: false skips the schema but not JSON', () => {
    const d = new FrameDecoder({ validate: false });
    expect(codes(all(d, rawFrame(0x20, 1, '{"direction":"up"}'), rawFrame(0x20, 2, 'nope')))).toEqual(['PLAYER_MOVE', 'BAD_PAYLOAD']);
  });

  it('after a fatal error nothing more comes out, whatever is pushed', () => {
    const d = new FrameDecoder();
    const bad = heartbeat(2).slice();
    bad[2] = 3; // BAD_VERSION
    const got = all(d, concatBytes(heartbeat(1), bad, heartbeat(3)));
    expect(codes(got)).toEqual(['HEARTBEAT', 'BAD_VERSION']);
    expect(all(d, heartbeat(3), heartbeat(4))).toEqual([]);
    expect(d.next()).toBeUndefined();
    expect(d.buffered).toBe(0);
    expect(d.failed?.code).toBe('BAD_VERSION');
  });

  it('FRAME_TOO_LARGE from the header alone, under a custom limit', () => {
    const d = new FrameDecoder({ maxPayload: 64 });
    const big = new FrameEncoder().encode({ type: MessageType.HEARTBEAT, seq: 1, body: { t: 1, pad: 'x'.repeat(100) } });
    const got = all(d, big.subarray(0, HEADER_SIZE));
    expect(codes(got)).toEqual(['FRAME_TOO_LARGE']);
    expect(d.buffered).toBe(0);
  });

  it('compressed frames: DECOMPRESS_FAILED for a size over the limit, an impossible size, or a lying block', () => {
    const dec = () => new FrameDecoder({ compressor: lz4Js, checkSequence: false });
    const frame = (payload: number[]) => concatBytes(encodeHeader({ type: 5, flags: 0x11, seq: 1, ref: 0, length: payload.length }), Uint8Array.from(payload));
    const body = utf8Encode(`{"t":1,"p":"${'a'.repeat(2000)}"}`);
    const block = lz4Js.compress(body);
    const sized = (n: number) => frame([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255, ...block]);
    const detail = (f: Uint8Array) => (all(dec(), f)[0] as ProtocolError).detail;
    expect(codes(all(dec(), sized(body.length)))).toEqual(['HEARTBEAT']);
    expect(detail(sized(16_777_217))).toMatch(/declared size 16777217 is over the 16777216-byte limit/);
    expect(detail(sized(block.length * 255 + 1))).toMatch(/more than a \d+-byte LZ4 block can produce/);
    expect(detail(sized(body.length + 1))).toMatch(/LZ4 block invalid for declared size 2015/);
    expect(detail(frame([0, 0, 1]))).toMatch(/shorter than its 4-byte size/);
    expect((all(new FrameDecoder(), sized(body.length))[0] as ProtocolError).detail).toMatch(/no LZ4 support configured/);
  });

  it('decodeRaw and parseBody serve callers that split frames themselves', () => {
    const f = heartbeat(1);
    const d = new FrameDecoder();
    const r = d.decodeRaw({ header: readHeader(f, 0, 1 << 20), wire: f }) as DecodedFrame;
    expect(r.body).toEqual({ t: 1_700_000_000_001 });
    expect(r.wire).toBe(f);
    const h = { type: 0x20, flags: 0, seq: 1, ref: 0, length: 0 };
    expect(parseBody(Messages.PLAYER_MOVE, h, utf8Encode('{"direction":"s"}'))).toEqual({ direction: 's' });
    expect((parseBody(Messages.PLAYER_MOVE, h, utf8Encode('{}')) as ProtocolError).code).toBe('BAD_PAYLOAD');
  });
});
