import { describe, expect, it } from 'vitest';
import { up2Codec, up2FlagNames, up2FlagsFromNames, up2PlaintextPdu } from './up2';
import { pduCodecFor } from './index';
import { Flag, makeFlags, readHeader } from '../../../src-shared/protocol';
import { encryptedRecord, up2Record } from '../../../test-support/capture/sample-records';

describe('UP/2.0 PDUs', () => {
  it('a decrypted frame becomes its plaintext frame: ENCRYPTED and COMPRESSED cleared, length = body', () => {
    const body = new TextEncoder().encode('{"t":1}');
    const flags = makeFlags({ response: true, encrypted: true, compressed: true, priority: 1 });
    const pdu = up2PlaintextPdu({ type: 5, flags, seq: 9, ref: 4 }, body);
    expect(readHeader(pdu, 0, 1 << 20)).toEqual({ type: 5, flags: Flag.RESPONSE | (1 << Flag.PRIORITY_SHIFT), seq: 9, ref: 4, length: body.length });
    expect(Buffer.from(pdu.subarray(18)).toString()).toBe('{"t":1}');
  });

  it('builds from the record: plain bytes, else the body, else the wire frame, else an empty frame', () => {
    const r = up2Record(1, 0x20, { direction: 'n' }, { seq: 3 });
    const fromPlain = up2Codec.build(r);
    expect(fromPlain.kind).toBe('plain');
    expect(Buffer.from(fromPlain.bytes).equals(Buffer.from(r.wire!))).toBe(true); // a plaintext wire frame is its own PDU
    const { plain: _p, ...noPlain } = r;
    expect(up2Codec.build(noPlain).kind).toBe('plain');
    const enc = encryptedRecord(2, 1, 5, 0);
    expect(up2Codec.build(enc)).toEqual({ bytes: enc.wire, kind: 'wire' });
    const { wire: _w, body: _b, ...bare } = noPlain;
    const empty = up2Codec.build(bare);
    expect(empty.kind).toBe('none');
    expect(readHeader(empty.bytes, 0, 0)).toMatchObject({ type: 0x20, seq: 3, length: 0 });
  });

  it('splits a stored PDU back and parses the body lazily', () => {
    const r = up2Record(1, 0x21, { action: 'x' });
    const { bytes, kind } = up2Codec.build(r);
    const { plain } = up2Codec.split(bytes, kind);
    expect(up2Codec.parseBody!(plain!)).toEqual({ action: 'x' });
    expect(up2Codec.parseBody!(new TextEncoder().encode('{oops'))).toBeUndefined();
    expect(up2Codec.summarize!(bytes, kind)).toMatchObject({ code: 0x21, type: 'PLAYER_ACTION', seq: 1, flags: ['P2'], bodySize: plain!.length });
    expect(up2Codec.summarize!(Uint8Array.of(1, 2, 3), 'plain')).toEqual({});
  });

  it('flag names round-trip, including the priority', () => {
    for (let f = 0; f < 32; f++) expect(up2FlagsFromNames(up2FlagNames(f))).toBe(f);
    expect(up2FlagsFromNames(['RESPONSE', 'CRITICAL'])).toBe(Flag.RESPONSE);
    expect(up2FlagsFromNames([])).toBe(2 << Flag.PRIORITY_SHIFT);
  });

  it('an unknown dialect stores its bytes as they are', () => {
    const c = pduCodecFor('somethingelse');
    expect(c.dialect).toBe('somethingelse');
    expect(c.build({ ...up2Record(1, 5, {}), dialect: 'somethingelse' }).kind).toBe('plain');
    expect(c.split(Uint8Array.of(1), 'wire')).toEqual({ wire: Uint8Array.of(1) });
  });
});
