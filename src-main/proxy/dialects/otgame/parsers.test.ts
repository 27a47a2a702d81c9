import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { accountLoginPacket, characterList, gameLoginPacket, legacyCharacterList, textMessage } from '../../../../test-support/otgame/packets';
import { MessageWriter } from '../../../../test-support/otgame/writer';
import { ipToU32, readCharacterList, writeCharacterList } from './charlist';
import { parseLoginPacket } from './login-packet';
import { nameMessages } from './messages';
import { decodePdu, encodePdu, otgamePduCodec } from './pdu';
import { Reader } from './reader';
import { otServerKey } from './rsa';

const KEY = [1, 2, 3, 0xffffffff] as const;

describe('login packets', () => {
  for (const version of [860, 1098, 1100, 1281, 1311, 1412]) {
    it(`game login ${version}: version, key, character; password and session secret redacted`, () => {
      const p = parseLoginPacket(gameLoginPacket({ version, xteaKey: KEY, rsa: otServerKey(), password: 's3cret!' }), otServerKey());
      expect(p.error).toBeUndefined();
      expect(p.service).toBe('game');
      expect(p.version).toBe(version);
      expect(p.xteaKey).toEqual(KEY);
      expect(p.fields.character).toBe('Knight Tester');
      expect(JSON.stringify(p.fields)).not.toContain('s3cret!');
      expect(p.fields.rsaOffsetNote).toBeUndefined(); // found where the version puts it
    });
    it(`account login ${version}`, () => {
      const p = parseLoginPacket(accountLoginPacket({ version, xteaKey: KEY, rsa: otServerKey(), account: 'acc', password: 's3cret!' }), otServerKey());
      expect(p.error).toBeUndefined();
      expect(p.service).toBe('login');
      expect(p.fields.account).toBe('acc');
      expect(p.xteaKey).toEqual(KEY);
      expect(JSON.stringify(p.fields)).not.toContain('s3cret!');
    });
  }

  it('finds the RSA block when the prelude is longer than the version says (and notes it)', () => {
    const good = gameLoginPacket({ version: 1098, xteaKey: KEY, rsa: otServerKey() });
    const shifted = Uint8Array.from([...good.subarray(0, 12), 0xaa, 0xbb, ...good.subarray(12)]);
    const p = parseLoginPacket(shifted, otServerKey());
    expect(p.xteaKey).toEqual(KEY);
    expect(p.fields.rsaOffsetNote).toMatch(/found at offset 14, not at 12/);
  });

  it('says why a block is not the server’s: a leading byte other than 0, or a number past the modulus', () => {
    const good = gameLoginPacket({ version: 1412, xteaKey: KEY, rsa: otServerKey() });
    const rsaAt = good.length - 128;
    const big = good.slice();
    big.fill(0xff, rsaAt); // above any 1024-bit modulus
    expect(parseLoginPacket(big, otServerKey()).error).toMatch(new RegExp(`^RSA_DECRYPT: the 128-byte block at offset ${rsaAt} is not below the server key's modulus`));
    const lead = good.slice();
    lead[rsaAt + 1] = lead[rsaAt + 1]! ^ 0x01; // a damaged ciphertext decrypts to noise
    expect(parseLoginPacket(lead, otServerKey()).error).toMatch(/^RSA_DECRYPT: the 128-byte block at offset \d+ decrypts to a first byte of 0x[0-9a-f]{2}, not 0/);
  });

  it('names what is wrong with a packet that is not a login', () => {
    expect(parseLoginPacket(Uint8Array.of(0x77, 1, 2), otServerKey()).error).toBe(
      'LOGIN_PACKET: first client message opens with 0x77, not 0x0A (game) or 0x01 (login)',
    );
    expect(parseLoginPacket(Uint8Array.of(0x0a, 1), otServerKey()).error).toMatch(/^LOGIN_PACKET: os needs 2 byte/);
    expect(parseLoginPacket(Uint8Array.of(0x0a, 1, 0, 0x5c, 0x03), otServerKey()).error).toMatch(/^LOGIN_PACKET: 0 bytes after the 5-byte prelude/);
  });

  it('survives hostile packets: an error or a result, never an exception', () => {
    fc.assert(
      fc.property(fc.constantFrom(0x0a, 0x01, 0x00), fc.uint8Array({ maxLength: 300 }), (op, rest) => {
        const p = parseLoginPacket(Uint8Array.from([op, ...rest]), otServerKey());
        expect(p.error !== undefined || p.xteaKey !== undefined).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

describe('character lists', () => {
  it('world-list layout round-trips, account bytes kept', () => {
    const payload = characterList([{ id: 3, name: 'Antica', host: 'game.example.org', port: 7172 }], [{ name: 'A', world: 3 }], 'k');
    // MOTD (0x14 string) and session key (0x28 string) come before the 0x64 list.
    const r = new Reader(payload);
    for (const op of [0x14, 0x28]) {
      expect(r.u8()).toBe(op);
      r.string();
    }
    const at = r.pos;
    expect(r.u8()).toBe(0x64);
    const list = readCharacterList(r, 1098);
    expect(list.worlds).toEqual([{ id: 3, name: 'Antica', host: 'game.example.org', port: 7172, previewState: 0 }]);
    expect(list.characters).toEqual([{ name: 'A', world: 'Antica', worldId: 3 }]);
    expect(list.account.length).toBe(6);
    expect(writeCharacterList(list, 1098)).toEqual(payload.subarray(at));
  });

  it('legacy layout: IPv4 as a little-endian u32, per character', () => {
    const ip = ipToU32('192.168.1.20')!;
    const payload = legacyCharacterList([{ name: 'Old', world: 'Classic', ip, port: 7172 }], 860);
    const list = readCharacterList(new Reader(payload, 1), 860);
    expect(list.worlds).toEqual([{ name: 'Classic', host: '192.168.1.20', port: 7172 }]);
    expect(writeCharacterList(list, 860)).toEqual(payload);
    expect(ipToU32('300.1.1.1')).toBeNull();
    expect(ipToU32('host.example')).toBeNull();
  });

  it('truncated lists fail with a field error, not a crash', () => {
    const payload = legacyCharacterList([{ name: 'Old', world: 'Classic', ip: 1, port: 2 }], 860);
    for (let n = 1; n < payload.length - 2; n++) expect(() => readCharacterList(new Reader(payload.subarray(0, n), 1), 860)).toThrow(/needs/);
  });
});

describe('message naming and fields', () => {
  it('walks batched messages while each decoder reaches its end', () => {
    // 26 = experience: position, u64 value, colour, then text.
    const exp = new MessageWriter().u8(0xb4).u8(26).position({ x: 1, y: 2, z: 3 }).u64(2n ** 40n).u8(215).string('You gained 1099511627776 experience points.').done();
    const m = nameMessages('game', 's2c', new Uint8Array([...exp, 0xb6, 0x2c, 0x01]), { version: 1412 });
    expect(m.type).toBe('TEXT_MESSAGE');
    expect(m.body).toMatchObject({ mode: 26, primary: { value: 2 ** 40, color: 215 }, then: [{ type: 'WALK_WAIT', delayMs: 300 }] });
    expect(nameMessages('game', 's2c', textMessage(17, 'hi'), { version: 1412 }).body).toEqual({ op: '0xB4', mode: 17, text: 'hi' });
  });

  it('flags a truncated field with where it happened', () => {
    const m = nameMessages('game', 's2c', Uint8Array.of(0x8c, 1, 2), { version: 1412 });
    expect(m.flags).toContain('TRUNCATED_FIELD');
    expect(m.body.truncated).toMatch(/^creature id needs 4 byte\(s\) at offset 1, 2 left/);
  });

  it('reports a truncated position field by name, and drops what the decoder had read before it', () => {
    const m = nameMessages('game', 's2c', Uint8Array.of(0x64, 0x10, 0x00, 0x20), { version: 1412 });
    expect(m.body).toEqual({ op: '0x64', truncated: 'center.y needs 2 byte(s) at offset 3, 1 left (message started at offset 0)' });
    // A move whose target position runs out: the source it read is not kept either.
    const move = nameMessages('game', 's2c', Uint8Array.of(0x6d, 1, 0, 2, 0, 7, 1, 9, 0), { version: 1412 });
    expect(move.flags).toContain('TRUNCATED_FIELD');
    expect(move.body).toEqual({ op: '0x6D', truncated: 'to.y needs 2 byte(s) at offset 9, 0 left (message started at offset 0)' });
    // The same in a batched message: the first keeps its fields, the cut one only its name.
    const batch = nameMessages('game', 's2c', Uint8Array.of(0xb6, 0x2c, 0x01, 0x8c, 1, 2), { version: 1412 });
    expect(batch.body).toEqual({ op: '0xB6', delayMs: 300, then: [{ op: '0x8C', type: 'CREATURE_HEALTH', truncated: 'creature id needs 4 byte(s) at offset 4, 2 left (message started at offset 3)' }] });
  });

  it('reads strings from a message that is a view into a larger buffer: ASCII, UTF-8 and Latin-1', () => {
    const utf8 = new TextEncoder().encode('Olá, mundo');
    const latin1 = Uint8Array.of(0x4f, 0x6c, 0xe1); // "Olá" in Latin-1: not valid UTF-8
    for (const [bytes, text] of [[new TextEncoder().encode('plain ascii'), 'plain ascii'], [utf8, 'Olá, mundo'], [latin1, 'Olá']] as const) {
      const msg = Uint8Array.from([0x14, bytes.length, 0, ...bytes]);
      const big = new Uint8Array(msg.length + 20).fill(0x41);
      big.set(msg, 11);
      const m = nameMessages('game', 's2c', big.subarray(11, 11 + msg.length), { version: 1412 });
      expect(m.body).toEqual({ op: '0x14', message: text });
    }
  });

  it('never throws on random messages in any service and direction', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('game' as const, 'login' as const),
        fc.constantFrom('c2s' as const, 's2c' as const),
        fc.uint8Array({ maxLength: 200 }),
        fc.constantFrom(0, 860, 1098, 1412),
        (service, dir, bytes, version) => {
          const m = nameMessages(service, dir, bytes, { version });
          expect(typeof m.type).toBe('string');
          if (bytes.length) expect(m.code).toBe(bytes[0]);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('bounds the batch listing', () => {
    const many = new Uint8Array(500).fill(0x1e); // 500 pings in one frame
    const m = nameMessages('game', 's2c', many, { version: 1412 });
    expect((m.body.then as unknown[]).length).toBe(63);
  });
});

describe('capture PDU', () => {
  it('round-trips header bits and bytes; the codec summarises without otbridge metadata', () => {
    const pdu = encodePdu({ dir: 's2c', flags: ['GAME', 'SEQUENCED', 'COMPRESSED', 'XTEA', 'BLOCKS'], seq: 77, plain: Uint8Array.of(0x6d, 1, 2) });
    const d = decodePdu(pdu)!;
    expect(d).toMatchObject({ dir: 's2c', kind: 'plain', service: 'game', seq: 77 });
    expect(Array.from(d.bytes)).toEqual([0x6d, 1, 2]);
    expect(otgamePduCodec.summarize!(pdu, 'plain')).toMatchObject({ type: 'MOVE_CREATURE', code: 0x6d, seq: 77, dir: 's2c' });
    expect(otgamePduCodec.split(pdu, 'plain').plain).toEqual(Uint8Array.of(0x6d, 1, 2));
    expect(decodePdu(Uint8Array.of(9, 9))).toBeUndefined();
    expect(otgamePduCodec.summarize!(Uint8Array.of(2, 0, 0, 0, 0, 0, 0, 0), 'plain')).toEqual({});
  });
});
