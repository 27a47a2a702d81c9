import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createDecipheriv } from 'node:crypto';
import { Direction, FrameEncoder, FrameDecoder, MessageType } from '../../src-shared/protocol';
import { nodeAead } from './aead';

describe('nodeAead', () => {
  it('sealInto writes exactly what seal returns, at the offset, leaving the bytes around it alone', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 12, maxLength: 12 }), fc.uint8Array({ maxLength: 600 }), fc.uint8Array({ maxLength: 40 }), fc.nat(30), (key, nonce, plain, aad, offset) => {
        const sealed = nodeAead.seal(key, nonce, plain, aad);
        const out = new Uint8Array(offset + plain.length + 16 + 5).fill(0xa5);
        nodeAead.sealInto!(key, nonce, plain, aad, out, offset);
        expect(Buffer.from(out.subarray(offset, offset + sealed.length)).equals(Buffer.from(sealed))).toBe(true);
        expect(out.subarray(0, offset).every((b) => b === 0xa5)).toBe(true);
        expect(out.subarray(offset + sealed.length).every((b) => b === 0xa5)).toBe(true);
        expect(nodeAead.open(key, nonce, out.subarray(offset, offset + sealed.length), aad)).toEqual(Buffer.from(plain));
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('sealInto refuses an output too small for ciphertext and tag, writing nothing', () => {
    const out = new Uint8Array(20).fill(1);
    expect(() => nodeAead.sealInto!(new Uint8Array(32), new Uint8Array(12), new Uint8Array(8), new Uint8Array(0), out, 0)).toThrow(RangeError);
    expect(out.every((b) => b === 1)).toBe(true);
  });

  it('a frame sealed in place (the encoder uses sealInto) opens with node:crypto directly, by the spec, and through the decoder', () => {
    const key = new Uint8Array(32).fill(9);
    const enc = new FrameEncoder({ aead: nodeAead, compressor: null, key, direction: Direction.CLIENT_TO_SERVER });
    const frame = enc.encode({ type: MessageType.HEARTBEAT, seq: 5, body: { t: 1 } });
    // Spec §3: nonce = u32 direction ‖ u64 seq (client→server is 1), AAD = the 18-byte header, tag last.
    const nonce = Buffer.alloc(12);
    nonce.writeUInt32BE(1, 0);
    nonce.writeBigUInt64BE(5n, 4);
    const d = createDecipheriv('aes-256-gcm', key, nonce);
    d.setAAD(frame.subarray(0, 18));
    d.setAuthTag(frame.subarray(frame.length - 16));
    expect(Buffer.concat([d.update(frame.subarray(18, frame.length - 16)), d.final()]).toString()).toBe('{"t":1}');
    const dec = new FrameDecoder({ aead: nodeAead, compressor: null, key, direction: Direction.CLIENT_TO_SERVER, checkSequence: false });
    expect([...dec.feed(frame)]).toMatchObject([{ header: { type: MessageType.HEARTBEAT, seq: 5 }, body: { t: 1 } }]);
  });
});
