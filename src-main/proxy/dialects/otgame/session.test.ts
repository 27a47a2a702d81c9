import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generateKeyPairSync } from 'node:crypto';
import { type DialectContext, type ProxyMessage, type SessionFacts } from '../../dialect';
import { scriptedGameSession, scriptedLoginSession, type Chunk } from '../../../../test-support/otgame/scripted';
import { gameScript } from '../../../../test-support/otgame/server-double';
import { createOtGameDialect } from './dialect';
import { encodeFrame } from './frame';
import { nodeRsaKey } from './rsa';
import { xteaDecryptInPlace, xteaEncryptInPlace, xteaSchedule } from './xtea';

function harness(opts: Parameters<typeof createOtGameDialect>[0] = {}, mode: 'decrypt' | 'passthrough' = 'decrypt') {
  const facts: SessionFacts = {};
  const ctx: DialectContext = { mode, inject: () => {}, observe: () => {}, facts: (f) => Object.assign(facts, f), abort: () => {} };
  const session = createOtGameDialect(opts).createSession(ctx);
  return { session, facts };
}

function feed(chunks: readonly Chunk[], opts: Parameters<typeof createOtGameDialect>[0] = {}, mode: 'decrypt' | 'passthrough' = 'decrypt') {
  const h = harness(opts, mode);
  const messages: ProxyMessage[] = [];
  for (const c of chunks) messages.push(...h.session.decode(c.dir, c.bytes));
  return { ...h, messages };
}

const VERSIONS = [
  { version: 860, family: 'classic, Adler-32' },
  { version: 1098, family: 'classic, Adler-32' },
  { version: 1311, family: 'classic, sequenced + DEFLATE' },
  { version: 1412, family: '14.05 blocks, sequenced + DEFLATE' },
];

describe('a whole game session, decoded passively', () => {
  for (const { version, family } of VERSIONS) {
    it(`${version} (${family}): every message decrypted, named, forwarded unchanged`, () => {
      const chunks = scriptedGameSession(version);
      const { messages, facts, session } = feed(chunks);
      expect(messages).toHaveLength(chunks.length);
      for (const [i, m] of messages.entries()) {
        const c = chunks[i]!;
        expect(m.dir).toBe(c.dir);
        expect(m.error, `${m.type}: ${m.error}`).toBeUndefined();
        expect(session.encode(m)).toBe(m.wire); // forwarded byte for byte
        expect(m.wire).toEqual(c.bytes);
        if (m.type !== 'GAME_LOGIN') expect(m.plain).toEqual(c.payload);
        expect(m.code).toBe(c.payload[0]);
      }
      expect(messages.map((m) => m.type)).toEqual([
        'CHALLENGE',
        'GAME_LOGIN',
        'LOGIN_SUCCESS',
        'CREATURE_HEALTH',
        'MAP_DESCRIPTION',
        'MOVE_CREATURE',
        'CREATURE_HEALTH',
        'PING',
        'PING',
        'WALK_NORTH',
        'WALK_WEST',
        'SAY',
        'LOOK',
        'ATTACK',
        'EXTENDED_OPCODE',
        'LOGOUT',
      ]);
      expect(facts).toMatchObject({ service: 'game', clientVersion: version, character: 'Knight Tester', account: 'tester@example.org' });
      expect(JSON.stringify(facts)).not.toContain('hunter2');
      const login = messages[1]!;
      expect(login.flags).toContain('KEY_RECOVERED');
      expect(JSON.stringify(login.body)).not.toContain('hunter2');
      expect(login.answers).toBe(messages[0]!.requestKey);
      expect(messages[2]!.answers).toBe(login.requestKey);
      // The client's ping (c2s 0x1D) is answered by nothing in this script; the server's ping (s2c 0x1E) has a request key.
      expect(messages[7]!.requestKey).toMatch(/^ping-/);
      const seqd = version >= 1290;
      expect(messages[2]!.flags.includes('SEQUENCED')).toBe(seqd);
      expect(messages[4]!.flags.includes('COMPRESSED')).toBe(seqd); // the 900-byte map description
      expect(messages[2]!.flags.includes('BLOCKS')).toBe(version >= 1405);
    });
  }

  it('decodes fields: batched messages, positions, text, creature ids', () => {
    const { messages } = feed(scriptedGameSession(1412));
    const byType = new Map(messages.map((m) => [m.type, m]));
    const batch = messages[3]!;
    expect(batch.flags).toContain('MULTI');
    expect(byType.get('CHALLENGE')!.body).toEqual({ op: '0x1F', timestamp: 1_700_000_000, random: 0x42 });
    expect(byType.get('MOVE_CREATURE')!.body).toEqual({ op: '0x6D', from: { creatureId: 0x40000010 }, to: { x: 32370, y: 32241, z: 7 } });
    expect(byType.get('CREATURE_HEALTH')!.body).toEqual({ op: '0x8C', creatureId: 0x40000010, healthPercent: 73 });
    expect(byType.get('SAY')!.body).toEqual({ op: '0x96', mode: 1, text: 'hello world' });
    expect(byType.get('EXTENDED_OPCODE')!.body).toEqual({ op: '0x32', extendedOpcode: 12, data: '{"action":"fetch"}' });
    expect(byType.get('MAP_DESCRIPTION')!.body).toMatchObject({ center: { x: 32369, y: 32241, z: 7 }, undecoded: expect.stringMatching(/^900 byte/) });
    const ls = batch.body as { then: { type: string; text?: string }[] };
    expect(ls.then).toEqual([{ op: '0xB4', type: 'TEXT_MESSAGE', mode: 17, text: 'Welcome to otbridge test world!' }]);
    expect(byType.get('LOGIN_SUCCESS')!.body).toMatchObject({ playerId: 0x10000001, beatMs: 50 });
  });

  it('gives the same messages whatever the TCP chunking', () => {
    const chunks = scriptedGameSession(1412);
    const whole = feed(chunks).messages.map((m) => [m.type, m.error, m.plain]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 30 }), (sizes) => {
        const h = harness();
        const got: ProxyMessage[] = [];
        let k = 0;
        for (const c of chunks)
          for (let at = 0; at < c.bytes.length; ) {
            const n = sizes[k++ % sizes.length]!;
            got.push(...h.session.decode(c.dir, c.bytes.subarray(at, at + n)));
            at += n;
          }
        expect(got.map((m) => [m.type, m.error, m.plain])).toEqual(whole);
      }),
      { numRuns: 25 },
    );
  });

  it('passthrough mode still decrypts passively, unless told not to', () => {
    const chunks = scriptedGameSession(1311);
    const passive = feed(chunks, {}, 'passthrough');
    expect(passive.messages.every((m) => !m.error && m.plain)).toBe(true);
    expect(passive.facts.decryption).toBe('passive (key from the login packet)');
    const { messages, session, facts } = feed(chunks, { decryptInPassthrough: false }, 'passthrough');
    expect(facts.decryption).toBe('off');
    expect(messages.map((m) => m.type).slice(0, 3)).toEqual(['CHALLENGE', 'GAME_LOGIN', 'ENCRYPTED']);
    expect(messages).toHaveLength(chunks.length);
    for (const m of messages) expect(session.encode(m)).toBe(m.wire);
    expect(messages[1]!.flags).toContain('PASSTHROUGH');
    expect(messages[4]!.flags).toEqual(expect.arrayContaining(['SEQUENCED', 'COMPRESSED']));
    expect(messages.slice(2).every((m) => m.plain === undefined)).toBe(true);
  });
});

describe('failures are reported on the message, and the session goes on', () => {
  it('wrong RSA key: the client sealed its login for another server', () => {
    const other = nodeRsaKey(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey);
    const { messages } = feed(scriptedGameSession(1412, { rsa: other }));
    expect(messages[1]!.error).toMatch(
      /^RSA_DECRYPT: the 128-byte block at offset \d+ (decrypts to a first byte of 0x[0-9a-f]{2}, not 0|is not below the server key's modulus): the client encrypted its login for another public key than the one given to the proxy \(RSA-1024/,
    );
    // Without the key, later frames cannot be decrypted: flagged, still forwarded.
    expect(messages[2]!.error).toMatch(/^NO_XTEA_KEY: /);
    expect(messages[2]!.type).toBe('ENCRYPTED');
    expect(messages.every((m) => m.forward)).toBe(true);
  });

  it('the server’s own key.pem instead of the OT key', () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pem = pair.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
    const chunks = scriptedGameSession(1311, { rsa: nodeRsaKey(pair.privateKey) });
    expect(feed(chunks, { serverKey: pem }).messages.every((m) => !m.error)).toBe(true);
    expect(feed(chunks).messages[1]!.error).toMatch(/^RSA_DECRYPT/);
  });

  it('bad checksum (Adler-32 session)', () => {
    const chunks = scriptedGameSession(1098);
    const bad = chunks[4]!.bytes.slice();
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0x55;
    const { messages } = feed([...chunks.slice(0, 4), { ...chunks[4]!, bytes: bad }, ...chunks.slice(5)]);
    expect(messages[4]!.error).toMatch(/^BAD_CHECKSUM: frame says 0x[0-9a-f]{8}, its \d+ bytes sum to 0x[0-9a-f]{8}$/);
    expect(messages[4]!.wire).toEqual(bad);
    expect(messages.filter((m) => m.error)).toHaveLength(1);
  });

  it('bad sequence: a server frame missing, and a client frame out of order', () => {
    const chunks = scriptedGameSession(1412);
    // Drop the server's MAP_DESCRIPTION frame (seq 3): MOVE_CREATURE arrives with 4.
    const { messages } = feed(chunks.filter((_, i) => i !== 4));
    const move = messages.find((m) => m.type === 'MOVE_CREATURE')!;
    expect(move.error).toBe('BAD_SEQUENCE: expected 3, got 4 (1 missing); OTClient does not check');
    expect(messages.find((m) => m.type === 'PING')!.error).toBeUndefined();
    // Client: OTClient numbers from 0 (Canary drops 0 as a ping), then 1, 2, …; swap two frames.
    const c = chunks.slice();
    [c[9], c[10]] = [c[10]!, c[9]!];
    const m2 = feed(c).messages;
    expect(m2[8]!.flags).toContain('SEQ_ZERO');
    expect(m2[9]!.error).toBe('BAD_SEQUENCE: expected 1, got 2; Canary drops this message');
    expect(m2[10]!.error).toBe('BAD_SEQUENCE: expected 2, got 1; Canary drops this message');
    expect(m2[11]!.error).toBeUndefined();
  });

  it('corrupted DEFLATE stream in a compressed server frame', () => {
    const chunks = scriptedGameSession(1311);
    const map = chunks[4]!;
    const { messages: good } = feed(chunks);
    expect(good[4]!.flags).toContain('COMPRESSED');
    // Rebuild the frame with a damaged compressed body, same key and sequence.
    const key = xteaSchedule([0xdeadbeef, 0x01234567, 0x89abcdef, 0x0badf00d]);
    const st = { layout: 'classic' as const, checksum: 'sequence' as const, xtea: key };
    const z = encodeFrame(map.payload, st, { seq: 3, compress: true });
    // Decrypt, flip a byte inside the DEFLATE data, encrypt again.
    const body = z.slice(6);
    xteaDecryptInPlace(key, body);
    body[2] = 0xff;
    body[3] = body[3]! ^ 0xff;
    xteaEncryptInPlace(key, body);
    const bad = Uint8Array.from([...z.subarray(0, 6), ...body]);
    const { messages } = feed([...chunks.slice(0, 4), { ...map, bytes: bad }, ...chunks.slice(5)]);
    expect(messages[4]!.error).toMatch(/^DEFLATE: /);
    expect(messages[4]!.flags).toContain('COMPRESSED');
    expect(messages[5]!.error).toBeUndefined();
    expect(messages[5]!.type).toBe('MOVE_CREATURE');
  });

  it('unknown opcodes are named with their hex and flagged, never an error', () => {
    const chunks = scriptedGameSession(1412);
    const key = xteaSchedule([0xdeadbeef, 0x01234567, 0x89abcdef, 0x0badf00d]);
    const f = encodeFrame(Uint8Array.of(0x4e, 1, 2, 3), { layout: 'blocks', checksum: 'sequence', xtea: key }, { seq: 7 });
    const { messages } = feed([...chunks.slice(0, 8), { dir: 's2c', bytes: f, payload: Uint8Array.of(0x4e) }]);
    const m = messages.at(-1)!;
    expect(m.type).toBe('UNKNOWN_0x4E');
    expect(m.code).toBe(0x4e);
    expect(m.flags).toContain('UNKNOWN_OPCODE');
    expect(m.error).toBeUndefined();
    expect(m.body).toMatchObject({ op: '0x4E', undecoded: '3 byte(s) from offset 1 (no field layout for 0x4E)' });
  });

  it('hostile streams never throw and every byte comes back out in a message', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('c2s' as const, 's2c' as const), fc.uint8Array({ maxLength: 200 })), { maxLength: 12 }), (chunks) => {
        const h = harness();
        let fed = { c2s: 0, s2c: 0 };
        let out = { c2s: 0, s2c: 0 };
        for (const [dir, bytes] of chunks) {
          fed = { ...fed, [dir]: fed[dir] + bytes.length };
          for (const m of h.session.decode(dir, bytes)) out = { ...out, [m.dir]: out[m.dir] + m.wire.length };
        }
        expect(out.c2s).toBeLessThanOrEqual(fed.c2s);
        expect(out.s2c).toBeLessThanOrEqual(fed.s2c);
        h.session.close();
      }),
      { numRuns: 300 },
    );
  });

  it('corrupt-body fault: one byte of the content changed, frame still valid for the receiver', () => {
    const chunks = scriptedGameSession(1098);
    const h = harness();
    const msgs = chunks.flatMap((c) => h.session.decode(c.dir, c.bytes));
    const say = msgs.find((m) => m.type === 'SAY')!;
    const bad = h.session.corruptBody!(say, 3)!;
    expect(bad.flags).toContain('CORRUPTED');
    expect(bad.plain![3]).toBe(say.plain![3]! ^ 0xff);
    // A fresh receiver in the same state reads the corrupted frame without a checksum error.
    const h2 = harness();
    for (const c of chunks) {
      if (c.payload === chunks.find((x) => x.payload[0] === 0x96)!.payload) {
        const [m] = h2.session.decode('c2s', h.session.encode(bad) as Uint8Array);
        expect(m!.error).toBeUndefined();
        expect(m!.plain).toEqual(bad.plain);
        break;
      }
      h2.session.decode(c.dir, c.bytes);
    }
  });
});

describe('binary login service', () => {
  const worlds = [{ id: 0, name: 'Testworld', host: '10.0.0.5', port: 7172 }];

  it('reads the character list and rewrites the worlds to the proxy', () => {
    const seen: unknown[] = [];
    const { messages, facts, session } = feed(scriptedLoginSession(1098, worlds), { rewriteWorldsTo: { host: '127.0.0.1', port: 17172 }, onWorlds: (w) => seen.push(...w) });
    expect(messages.map((m) => m.type)).toEqual(['ENTER_ACCOUNT', 'MOTD']);
    const list = messages[1]!;
    expect(list.flags).toEqual(expect.arrayContaining(['LOGIN', 'MULTI', 'REWRITTEN']));
    expect(JSON.stringify(list.body)).not.toContain('hunter2');
    // The record's bytes (what captures keep) have the session key's password masked, same length.
    expect(Buffer.from(list.plain!).toString('latin1')).toContain('tester\n*******');
    expect(list.plain!.length).toBe(scriptedLoginSession(1098, worlds)[1]!.payload.length);
    expect(seen).toEqual([{ id: 0, name: 'Testworld', host: '10.0.0.5', port: 7172, previewState: 0 }]);
    expect(facts).toMatchObject({ service: 'login', account: 'tester', worlds: [{ name: 'Testworld', host: '10.0.0.5', port: 7172 }] });
    const rewritten = session.encode(list) as Uint8Array;
    expect(rewritten).not.toEqual(list.wire);
    // What the client receives decodes to the same list pointing at the proxy.
    const again = feed([scriptedLoginSession(1098, worlds)[0]!, { dir: 's2c', bytes: rewritten, payload: new Uint8Array() }]).messages[1]!;
    expect(again.error).toBeUndefined();
    const then = (again.body as { then: { type: string; worlds?: unknown }[] }).then;
    expect(then.find((t) => t.type === 'CHARACTER_LIST')!.worlds).toEqual([{ id: 0, name: 'Testworld', host: '127.0.0.1', port: 17172, previewState: 0 }]);
  });

  it('leaves the list alone without a rewrite target', () => {
    const { messages, session } = feed(scriptedLoginSession(1098, worlds));
    expect(session.encode(messages[1]!)).toBe(messages[1]!.wire);
    expect(messages[1]!.flags).not.toContain('REWRITTEN');
  });
});

describe('the game server’s frames before login are typed from the stream', () => {
  it('detects 14.05 blocks vs classic from the challenge checksum alone', () => {
    for (const version of [1098, 1412]) {
      const h = harness();
      const [m] = h.session.decode('s2c', scriptedGameSession(version)[0]!.bytes);
      expect(m!.type).toBe('CHALLENGE');
      expect(h.facts.framing).toMatchObject({ layout: version >= 1405 ? 'blocks' : 'classic', checksum: 'adler32' });
    }
  });

  it('a forced protocol version overrides detection', () => {
    const { messages } = feed(scriptedGameSession(1412), { protocolVersion: 1412 });
    expect(messages.every((m) => !m.error)).toBe(true);
  });

  it('gameScript is what the server double sends', () => {
    expect(gameScript()).toHaveLength(6);
  });
});
