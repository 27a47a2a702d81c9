import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { challenge, creatureHealth, creatureMove, gameLoginPacket, textMessage } from '../../../../test-support/otgame/packets';
import { OtPeer } from '../../../../test-support/otgame/peer';
import { TEST_XTEA } from '../../../../test-support/otgame/scripted';
import { fixedSizes } from './fixed-sizes';
import { nameMessages, walkMessages } from './messages';
import { otServerKey } from './rsa';
import { OtGameSession } from './session';

/** Opcodes with decoders (fixed and variable), so random batches hit the walk's two paths and the decoders' failures. */
const S2C_OPS = [0x0f, 0x14, 0x16, 0x17, 0x18, 0x1d, 0x1e, 0x1f, 0x32, 0x64, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6f, 0x79, 0x82, 0x8c, 0x8d, 0x8f, 0x90, 0x91, 0x92, 0xa0, 0xa3, 0xaa, 0xac, 0xb3, 0xb4, 0xb5, 0xb6, 0xd3, 0xd4, 0xef];
const C2S_OPS = [0x0f, 0x14, 0x1d, 0x32, 0x64, 0x65, 0x78, 0x82, 0x83];

/** A batch: opcodes each followed by some bytes (sometimes too few, sometimes a well-formed message). */
const batch = (ops: readonly number[]): fc.Arbitrary<Uint8Array> =>
  fc
    .array(
      fc.oneof(
        fc.tuple(fc.constantFrom(...ops), fc.uint8Array({ maxLength: 24 })).map(([op, rest]) => Uint8Array.from([op, ...rest])),
        fc.constantFrom(creatureMove(0x40000001, { x: 100, y: 200, z: 7 }), creatureHealth(0x40000002, 55), textMessage(17, 'hello'), textMessage(23, 'hit')),
        fc.uint8Array({ minLength: 1, maxLength: 8 }),
      ),
      { minLength: 1, maxLength: 6 },
    )
    .map((parts) => Uint8Array.from(parts.flatMap((p) => [...p])));

describe('walking a frame’s messages (names and flags now, fields later)', () => {
  for (const version of [0, 860, 1098, 1290, 1412]) {
    it(`gives exactly the flags a full decode gives, on random batches (version ${version || 'current'})`, () => {
      fc.assert(
        fc.property(fc.constantFrom<'c2s' | 's2c'>('c2s', 's2c'), batch(S2C_OPS), batch(C2S_OPS), (dir, s2c, c2s) => {
          const payload = dir === 's2c' ? s2c : c2s;
          const walked: string[] = [];
          walkMessages('game', dir, payload, { version }, walked);
          expect(walked).toEqual(nameMessages('game', dir, payload, { version }, []).flags);
        }),
        { numRuns: 400 },
      );
    });
  }

  it('learns fixed sizes from the decoders: creature health 5 bytes, creature move 11, text messages vary', () => {
    const t = fixedSizes('game', 's2c', { version: 1412 });
    expect(t.size[0x8c]).toBe(5); // u32 creature id, u8 percent
    expect(t.size[0x6d]).toBe(11); // thing (6 either way) + position
    expect(t.size[0xb4]).toBe(-1); // mode-dependent, then a string
    expect(t.size[0x14]).toBe(-1); // a string
    expect(t.size[0x64]).toBe(5); // map description: its center, then asset-dependent data
    expect(t.complete[0x64]).toBe(0);
    expect(t.size[0xa3]).toBe(4);
    expect(fixedSizes('game', 's2c', { version: 840 }).size[0xa3]).toBe(0); // no sequence before 8.60
  });

  it('a message’s body is decoded on first read, once, and the same as a full decode', () => {
    const s = new OtGameSession({ mode: 'decrypt', inject: () => {}, observe: () => {}, facts: () => {}, abort: () => {} }, { serverKey: otServerKey() });
    const client = new OtPeer({ side: 'client', version: 1412, service: 'game' });
    const server = new OtPeer({ side: 'server', version: 1412, service: 'game' });
    s.decode('s2c', server.frame(challenge(1, 2)));
    s.decode('c2s', client.frame(gameLoginPacket({ version: 1412, xteaKey: TEST_XTEA, rsa: otServerKey(), challenge: { timestamp: 1, random: 2 } })));
    server.startSession(TEST_XTEA);
    const payload = Uint8Array.from([...textMessage(17, 'lazy fields'), ...creatureHealth(7, 9)]);
    const [m] = s.decode('s2c', server.frame(payload));
    expect(m!.type).toBe('TEXT_MESSAGE');
    expect(m!.flags).toContain('MULTI');
    expect(m!.plain).toEqual(payload);
    const body = m!.body as Record<string, unknown>;
    expect(body).toEqual(nameMessages('game', 's2c', payload, { version: 1412 }, []).body);
    expect(body.text).toBe('lazy fields');
    expect(m!.body).toBe(body);
  });
});
