/**
 * `npm run bench:otgame`: how fast the OT dialect decodes server → client
 * traffic, beside the floor no OT decoder can beat: XTEA-decrypting the
 * same frame bodies (bench/lib.ts runs both in alternating rounds).
 *
 * One operation = one frame through OtGameSession.decode (frame cut,
 * sequence checked, XTEA removed, DEFLATE undone when the frame is
 * compressed, opcodes named and fields decoded) versus one xteaDecryptInPlace
 * of that frame's encrypted body. Frames are 14.05 layout, sequenced,
 * compressed from 128 bytes as Canary does, in a mix like a play session:
 * mostly small updates, some medium batches, a few map descriptions.
 * Also measured: RSA-decrypting a login block with node:crypto (no padding,
 * CRT) and with BigInt exponentiation.
 */
import { cpus, loadavg } from 'node:os';
import { compare, consume, fmt, table, type Benchmark, type RoundResult } from './lib';
import { type DialectContext } from '../src-main/proxy/dialect';
import { createOtGameDialect } from '../src-main/proxy/dialects/otgame/dialect';
import { bigintRsaKey, otServerKey } from '../src-main/proxy/dialects/otgame/rsa';
import { OT_KEY } from '../src-main/proxy/dialects/otgame/ot-key';
import { xteaDecryptInto, xteaSchedule } from '../src-main/proxy/dialects/otgame/xtea';
import { challenge, creatureHealth, creatureMove, gameLoginPacket, textMessage } from '../test-support/otgame/packets';
import { MessageWriter } from '../test-support/otgame/writer';
import { OtPeer } from '../test-support/otgame/peer';
import { TEST_XTEA } from '../test-support/otgame/scripted';

const VERSION = 1412;
const SCHEDULE = xteaSchedule(TEST_XTEA);

interface Mix {
  readonly name: string;
  readonly payloads: Uint8Array[];
}

export /**
 * Map data that compresses about as real map descriptions do (≈ 3:1 under
 * DEFLATE level 6): item ids drawn from a few hundred common ones, stack
 * counts, creature ids and 0xFF skip markers, from a fixed-seed generator.
 */
function mapData(center: { x: number; y: number; z: number }, n: number, seed: number): Uint8Array {
  let x = seed >>> 0 || 1;
  const rnd = (): number => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8) & 0xffff;
  const w = new MessageWriter().u8(0x64).position(center);
  while (w.length < n) {
    const r = rnd() % 10;
    if (r < 2) w.u8(rnd() % 12).u8(0xff); // skip tiles
    else if (r < 8) w.u16(100 + (rnd() % 400)); // ground and common items
    else if (r < 9) w.u16(0x61).u32(0x40000000 + (rnd() % 5000)).u8(rnd() & 0xff).u16(rnd() & 0x3ff); // a creature
    else w.u16(2000 + (rnd() % 30000)).u8(rnd() % 100); // a stackable item and its count
  }
  return w.done();
}

export function mixes(): Mix[] {
  const small: Uint8Array[] = [];
  for (let i = 0; i < 64; i++) {
    small.push(creatureMove(0x40000000 + i, { x: 32000 + i, y: 32000, z: 7 }));
    small.push(creatureHealth(0x40000000 + i, i % 100));
    small.push(textMessage(17, `Creature ${i} says something short.`));
  }
  const mid = Array.from({ length: 32 }, (_, i) => textMessage(17, `You see a ${'very '.repeat(8 + (i % 6))}old backpack (Vol:20). It weighs ${i}.00 oz.`));
  const medium = Array.from({ length: 32 }, (_, i) => mapData({ x: 32000, y: 32000 + i, z: 7 }, 200 + i * 8, i + 1));
  const big = Array.from({ length: 8 }, (_, i) => mapData({ x: 32000, y: 32000 + i, z: 7 }, 2000 + i * 250, 100 + i));
  // A play session: 85 % small, 12 % medium, 3 % map descriptions.
  const session: Uint8Array[] = [];
  for (let i = 0; i < 400; i++) session.push(i % 33 === 0 ? big[i % big.length]! : i % 8 === 0 ? medium[i % medium.length]! : small[i % small.length]!);
  return [
    { name: 'small updates (< 64 B, not compressed)', payloads: small },
    { name: 'text messages (64–127 B, not compressed)', payloads: mid },
    { name: 'map data (200–450 B, compressed)', payloads: medium },
    { name: 'map descriptions (2–4 KB, compressed)', payloads: big },
    { name: 'play-session mix', payloads: session },
  ];
}

/** A logged-in session's bytes: challenge and login packet, then `payloads` as server frames. */
function stream(payloads: readonly Uint8Array[]): { prelude: { dir: 'c2s' | 's2c'; bytes: Uint8Array }[]; frames: Uint8Array[] } {
  const client = new OtPeer({ side: 'client', version: VERSION, service: 'game' });
  const server = new OtPeer({ side: 'server', version: VERSION, service: 'game' });
  const prelude = [
    { dir: 's2c' as const, bytes: server.frame(challenge(1, 2)) },
    { dir: 'c2s' as const, bytes: client.frame(gameLoginPacket({ version: VERSION, xteaKey: TEST_XTEA, rsa: otServerKey(), challenge: { timestamp: 1, random: 2 } })) },
  ];
  server.startSession(TEST_XTEA);
  // Enough frames that a run rarely wraps; a wrap starts a fresh session (sequence numbers restart).
  const frames: Uint8Array[] = [];
  for (let i = 0; i < 16000; i++) frames.push(server.frame(payloads[i % payloads.length]!));
  return { prelude, frames };
}

const ctx: DialectContext = { mode: 'decrypt', inject: () => {}, observe: () => {}, facts: () => {}, abort: () => {} };

function candidates(m: Mix): { dialect: () => (n: number) => unknown; floor: () => (n: number) => unknown; bytes: number; compressed: number } {
  const { prelude, frames } = stream(m.payloads);
  const dialect = createOtGameDialect();
  let session = dialect.createSession(ctx);
  let at = 0;
  const fresh = (): void => {
    session.close();
    session = dialect.createSession(ctx);
    for (const p of prelude) session.decode(p.dir, p.bytes);
    at = 0;
  };
  fresh();
  const scratch = new Uint8Array(70_000);
  let floorAt = 0;
  const bytes = frames.reduce((s, f) => s + f.length, 0) / frames.length;
  const compressed = frames.filter((f) => f[5]! & 0x80).length / frames.length;
  return {
    bytes,
    compressed,
    dialect: () => (n) => {
      let last: unknown;
      for (let i = 0; i < n; i++) {
        if (at === frames.length) fresh();
        last = session.decode('s2c', frames[at++]!);
      }
      return last;
    },
    floor: () => (n) => {
      for (let i = 0; i < n; i++) {
        const f = frames[floorAt++ % frames.length]!;
        xteaDecryptInto(SCHEDULE, f, 6, f.length, scratch);
      }
      return scratch[0];
    },
  };
}

function rsaRates(): RoundResult[] {
  const node = otServerKey();
  const big = bigintRsaKey(OT_KEY);
  const block = new Uint8Array(128).map((_, i) => (i === 0 ? 0 : (i * 37) & 0xff));
  const sealed = node.encrypt(block);
  return compare(
    [
      { name: 'node:crypto RSA_NO_PADDING (CRT)', run: (n) => { let r; for (let i = 0; i < n; i++) r = node.decrypt(sealed); return r; } },
      { name: 'BigInt modPow (no CRT)', run: (n) => { let r; for (let i = 0; i < n; i++) r = big.decrypt(sealed); return r; } },
    ],
    { rounds: 5, roundMs: 200 },
  );
}

const bench: Benchmark = {
  name: 'otgame',
  title: 'OT game dialect: decode vs raw XTEA',
  command: 'npm run bench:otgame',
  async run() {
    const rows: (string | number)[][] = [];
    const data: Record<string, unknown> = {};
    const all = mixes();
    // Warm the JIT on every message kind first, so the first traffic class measured is not the one that pays for it.
    const warm = candidates(all.at(-1)!);
    const [wd, wf] = [warm.dialect(), warm.floor()];
    for (const end = performance.now() + 1500; performance.now() < end; ) consume([wd(2000), wf(2000)]);
    for (const m of all) {
      const c = candidates(m);
      const [d, f] = compare(
        [
          { name: 'dialect decode', run: c.dialect() },
          { name: 'raw XTEA (floor)', run: c.floor() },
        ],
        { rounds: 15, roundMs: 300 },
      );
      consume(d);
      const ratio = d!.opsPerSec / f!.opsPerSec;
      rows.push([m.name, `${c.bytes.toFixed(0)} B`, fmt.pct(c.compressed), `${fmt.rate(d!.opsPerSec)} msg/s`, `${fmt.rate(f!.opsPerSec)} msg/s`, fmt.pct(ratio), `${fmt.mib(d!.opsPerSec * c.bytes)}/s`]);
      data[m.name] = { dialect: d, floor: f, ratio, frameBytes: c.bytes, compressedShare: c.compressed, roundRatios: d!.rounds.map((x, i) => x / f!.rounds[i]!) };
    }
    const rsa = rsaRates();
    const load = loadavg()[0]!;
    data.rsa = rsa;
    const markdown = [
      'One message = one server → client frame (14.05 layout, sequenced, compressed from 128 bytes like Canary) through `OtGameSession.decode` — cut, sequence check, XTEA, inflate, opcode names and fields — beside XTEA-decrypting the same encrypted bodies, the floor any OT decoder pays. Goal: ≥ 70 % of the floor.',
      '',
      table(['traffic', 'avg frame', 'compressed', 'dialect', 'raw XTEA', 'dialect / floor', 'dialect wire'], rows),
      '',
      `Load average when the run ended: ${load.toFixed(1)} on ${cpus().length} cores (the machine is shared): single rounds swing widely, the table gives medians of 15 alternating rounds.`,
      '',
      'RSA, once per login (one 128-byte block, the OT key):',
      '',
      table(
        ['implementation', 'decryptions/s', 'per login'],
        rsa.map((r) => [r.name, fmt.rate(r.opsPerSec), fmt.ms(1000 / r.opsPerSec)]),
      ),
      '',
      'The proxy uses node:crypto; BigInt is the fallback for keys given without their primes.',
    ].join('\n');
    return { markdown, data };
  },
};

export default bench;
