import { describe, expect, it } from 'vitest';
import { encodeHeader, isCompressed, isEncrypted, isResponse, makeFlags, priorityOf, readHeader } from './header';
import { DEFAULT_MAX_PAYLOAD, Flag, HEADER_SIZE } from './constants';
import { ProtocolError } from './errors';
import { toHex } from './bytes';

const base = { type: 0x20, flags: 0, seq: 7, ref: 0, length: 18 };

function rejects(bytes: Uint8Array, max = DEFAULT_MAX_PAYLOAD): ProtocolError {
  try {
    readHeader(bytes, 0, max);
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    return e as ProtocolError;
  }
  throw new Error('readHeader accepted the header');
}

describe('flags', () => {
  it('every combination of compressed × encrypted × response × priority round-trips', () => {
    for (const compressed of [false, true])
      for (const encrypted of [false, true])
        for (const response of [false, true])
          for (const priority of [0, 1, 2, 3] as const) {
            const f = makeFlags({ compressed, encrypted, response, priority });
            expect(f & Flag.RESERVED_MASK).toBe(0);
            expect([isCompressed(f), isEncrypted(f), isResponse(f), priorityOf(f)]).toEqual([compressed, encrypted, response, priority]);
          }
  });

  it('priority defaults to NORMAL (2) and refuses anything outside 0..3', () => {
    expect(priorityOf(makeFlags({}))).toBe(2);
    for (const p of [-1, 4, 1.5, NaN]) expect(() => makeFlags({ priority: p as 0 })).toThrow(RangeError);
  });

  it('matches the spec bit layout (PLAYER_MOVE vector: priority 1 → 0x08; AUTH_LOGOUT response priority 2 → 0x14)', () => {
    expect(makeFlags({ priority: 1 })).toBe(0x08);
    expect(makeFlags({ response: true, priority: 2 })).toBe(0x14);
    expect(makeFlags({ compressed: true, encrypted: true, response: true, priority: 2 })).toBe(0x17);
  });
});

describe('header', () => {
  it('encodes big-endian fields at the spec offsets and reads them back', () => {
    const h = { type: 0x7f, flags: 0x16, seq: 0x01020304, ref: 0xfffffffe, length: 0x00000a0b };
    const bytes = encodeHeader(h);
    expect(bytes.length).toBe(HEADER_SIZE);
    expect(toHex(bytes)).toBe('5550027f160001020304fffffffe00000a0b');
    expect(readHeader(bytes, 0, DEFAULT_MAX_PAYLOAD)).toEqual(h);
  });

  it('reads at an offset inside a larger buffer', () => {
    const buf = new Uint8Array(40).fill(0xee);
    buf.set(encodeHeader(base), 11);
    expect(readHeader(buf, 11, DEFAULT_MAX_PAYLOAD)).toEqual(base);
  });

  it('rejects bad magic, version, reserved flag bits and reserved byte with the spec codes', () => {
    const ok = encodeHeader(base);
    const mutate = (i: number, v: number) => {
      const b = ok.slice();
      b[i] = v;
      return b;
    };
    expect(rejects(mutate(0, 0x58)).code).toBe('BAD_MAGIC');
    expect(rejects(mutate(1, 0x51)).code).toBe('BAD_MAGIC');
    expect(rejects(mutate(2, 1)).code).toBe('BAD_VERSION');
    expect(rejects(mutate(2, 3)).code).toBe('BAD_VERSION');
    for (const bit of [0x20, 0x40, 0x80]) expect(rejects(mutate(4, bit)).code).toBe('BAD_FLAGS');
    const reserved = rejects(mutate(5, 1));
    expect(reserved.code).toBe('BAD_FLAGS');
    expect(reserved.message).toMatch(/reserved byte/);
    expect(reserved.frame).toEqual({ type: 0x20, flags: 0, seq: 7, ref: 0 });
    expect(reserved.fatal).toBe(true);
  });

  it('checks the length against the limit from the header alone', () => {
    const atLimit = encodeHeader({ ...base, length: 1000 });
    expect(readHeader(atLimit, 0, 1000).length).toBe(1000);
    const e = rejects(encodeHeader({ ...base, length: 1001 }), 1000);
    expect(e.code).toBe('FRAME_TOO_LARGE');
    expect(e.message).toMatch(/1001 bytes is over the 1000-byte limit/);
    expect(rejects(encodeHeader({ ...base, length: 0xffffffff })).code).toBe('FRAME_TOO_LARGE');
  });
});
