/**
 * `npm run bench:otgame`: how fast the OT dialect decodes server → client
 * traffic, beside the floor no OT decoder can beat: XTEA-decrypting the
 * same frame bodies (bench/lib.ts runs both in alternating rounds).
 *
 * One operation = one frame through OtGameSession.decode (frame cut,
 * sequence checked, XTEA removed, DEFLATE undone when the frame is
 * compressed, opcodes named and flagged; fields decoded only in the
 * "every body read" candidate) versus one xteaDecryptInPlace
 * of that frame's encrypted body. Frames are 14.05 layout, sequenced,
 * compressed from 128 bytes as Canary does, in a mix like a play session:
 * mostly small updates, some medium batches, a few map descriptions.
 * For traffic with compressed frames a third candidate runs in the same
 * rounds: inflating the same messages' DEFLATE streams alone, with the
 * dialect's inflate (inflate-body.ts) — work the floor does not count, so the reader can see
 * how close to the goal any decoder of compressed traffic can come.
 * Also measured: RSA-decrypting a login block with node:crypto (no padding,
 * CRT) and with BigInt exponentiation.
 */
import { cpus, loadavg } from 'node:os';
import { deflateRawSync } from 'node:zlib';
import { consume, fmt, median, table, type Benchmark, type Candidate, type RoundResult } from './lib';
import { type DialectContext } from '../src-main/proxy/dialect';
import { createOtGameDialect } from '../src-main/proxy/dialects/otgame/dialect';
import { bigintRsaKey, otServerKey } from '../src-main/proxy/dialects/otgame/rsa';
import { OT_KEY } from '../src-main/proxy/dialects/otgame/ot-key';
import { xteaDecryptInto, xteaSchedule } from '../src-main/proxy/dialects/otgame/xtea';
import { inflateBody, ZLIB_FROM } from '../src-main/proxy/dialects/otgame/inflate-body';
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

/**
 * Map data laid out as Canary's GetFloorDescription / GetTileDescription
 * write it: per tile a ground item (u16 id), sometimes a border or
 * decoration and rarely a creature (0x62 marker, u32 id, health, direction)
 * or a stackable item with its count, then the tile's end: a count of
 * empty tiles skipped and 0xFF. Grounds come from a handful of ids (a
 * grass or cave area), decorations from a few dozen, as in a real view —
 * which is what makes map data compress about 3:1 at Canary's default
 * level 6 (measured here: mapCompression() in the report). A fixed-seed
 * generator, so every run sends the same bytes.
 */
export function mapData(center: { x: number; y: number; z: number }, n: number, seed: number): Uint8Array {
  let x = seed >>> 0 || 1;
  const rnd = (): number => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8) & 0xffff;
  const GROUNDS = [4526, 4526, 4526, 4527, 4528, 4529, 351, 352];
  const w = new MessageWriter().u8(0x64).position(center);
  while (w.length < n) {
    w.u16(GROUNDS[rnd() % GROUNDS.length]!);
    const r = rnd() % 100;
    if (r < 25) w.u16(4600 + (rnd() % 40)); // a border or decoration
    else if (r < 28) w.u16(0x62).u32(0x10000000 + (rnd() % 300)).u8(100).u8(rnd() & 3); // a known creature
    else if (r < 30) w.u16(3031 + (rnd() % 4)).u8(1 + (rnd() % 100)); // a stackable item and its count
    w.u8(rnd() % 10 < 8 ? 0 : rnd() % 20).u8(0xff); // tiles skipped, end of tile
  }
  return w.done();
}

/** "2.0:1 (300-byte messages) to 2.9:1 (3.7 KB)": how well the generated map data compresses. */
function mapCompression(): string {
  const ratio = (n: number): string => {
    const p = mapData({ x: 32000, y: 32000, z: 7 }, n, 1);
    return `${(p.length / deflateRawSync(p, { level: 6 }).length).toFixed(1)}:1`;
  };
  return `${ratio(300)} (300-byte messages) to ${ratio(3750)} (3.7 KB)`;
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
  // Enough frames (about 8 MiB, at least 16 000) that a round rarely wraps: a wrap starts a fresh session, whose
  // login costs an RSA decryption (~0.5 ms) — with 16 000 small frames that was 5–8 % of the dialect's time, a
  // login every 16 ms of traffic, which no real session has.
  const avg = payloads.reduce((n, p) => n + p.length, 0) / payloads.length + 8;
  const count = Math.min(300_000, Math.max(16_000, Math.ceil((8 << 20) / avg)));
  const frames: Uint8Array[] = [];
  for (let i = 0; i < count; i++) frames.push(server.frame(payloads[i % payloads.length]!));
  return { prelude, frames };
}

const ctx: DialectContext = { mode: 'decrypt', inject: () => {}, observe: () => {}, facts: () => {}, abort: () => {} };

/**
 * bench/lib.ts's compare(), timed by this process's CPU time instead of the
 * wall clock. On this shared 2-core machine (load 10–15) a 300 ms round of
 * wall time held anywhere from 30 to 300 ms of our own work, so single
 * rounds of the same code swung 8 %–101 % of the floor; CPU time counts only
 * the time this process ran. Same method otherwise: calibrated round sizes,
 * warm-up rounds dropped, alternating order, medians.
 */
function compareCpu(candidates: readonly Candidate[], opts: { rounds: number; roundMs: number; warmup?: number }): RoundResult[] {
  const cpuMs = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const sizes = candidates.map((c) => {
    for (let n = 1; ; n *= 2) {
      const t0 = cpuMs();
      consume(c.run(n));
      const dt = cpuMs() - t0;
      if (dt >= opts.roundMs / 4 || n >= 1 << 26) return Math.max(1, Math.round((n * opts.roundMs) / Math.max(dt, 0.001)));
    }
  });
  const warmup = opts.warmup ?? 2;
  const rates: number[][] = candidates.map(() => []);
  for (let r = 0; r < warmup + opts.rounds; r++) {
    const order = r % 2 === 0 ? candidates.map((_, i) => i) : candidates.map((_, i) => candidates.length - 1 - i);
    for (const i of order) {
      const t0 = cpuMs();
      consume(candidates[i]!.run(sizes[i]!));
      const dt = (cpuMs() - t0) / 1000;
      if (r >= warmup) rates[i]!.push(sizes[i]! / dt);
    }
  }
  return candidates.map((c, i) => ({ name: c.name, opsPerSec: median(rates[i]!), rounds: rates[i]! }));
}

interface Candidates {
  readonly dialect: () => (n: number) => unknown;
  /** The same, reading every message's body (its fields are decoded on first read). */
  readonly dialectWithFields: () => (n: number) => unknown;
  readonly floor: () => (n: number) => unknown;
  /** Inflating the compressed frames' DEFLATE streams (already decrypted), one per compressed frame; null when none is compressed. */
  readonly inflate: (() => (n: number) => unknown) | null;
  readonly bytes: number;
  readonly compressed: number;
}

function candidates(m: Mix): Candidates {
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
  const isCompressed = (f: Uint8Array): boolean => (f[5]! & 0x80) !== 0;
  const compressed = frames.filter(isCompressed).length / frames.length;
  // Frame i carries payload i % payloads.length: one DEFLATE stream per payload, as the dialect sees it after XTEA (padding count and padding cut).
  const streams = m.payloads.map((_, i) => {
    const f = frames[i]!;
    if (!isCompressed(f)) return null;
    const clear = f.slice();
    xteaDecryptInto(SCHEDULE, f, 6, f.length, clear, 6);
    return clear.slice(7, clear.length - clear[6]!);
  });
  let inflateAt = 0;
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
    dialectWithFields: () => (n) => {
      let last: unknown;
      for (let i = 0; i < n; i++) {
        if (at === frames.length) fresh();
        const out = session.decode('s2c', frames[at++]!);
        for (let j = 0; j < out.length; j++) last = out[j]!.body;
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
    inflate:
      compressed === 0
        ? null
        : () => (n) => {
            // One operation = one message of the traffic: compressed ones are inflated, the others cost nothing here.
            let out = 0;
            for (let i = 0; i < n; i++) {
              const z = streams[inflateAt++ % streams.length];
              if (z) out += inflateBody(z, 0, z.length, 65536).length;
            }
            return out;
          },
  };
}

function rsaRates(): RoundResult[] {
  const node = otServerKey();
  const big = bigintRsaKey(OT_KEY);
  const block = new Uint8Array(128).map((_, i) => (i === 0 ? 0 : (i * 37) & 0xff));
  const sealed = node.encrypt(block);
  return compareCpu(
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
    const loadStart = loadavg()[0]!;
    const goal = 0.7;
    const inflateRows: (string | number)[][] = [];
    for (const m of all) {
      const c = candidates(m);
      const results = compareCpu(
        [
          { name: 'dialect decode', run: c.dialect() },
          { name: 'raw XTEA (floor)', run: c.floor() },
          { name: 'dialect decode, fields read', run: c.dialectWithFields() },
          ...(c.inflate ? [{ name: 'inflate alone', run: c.inflate() }] : []),
        ],
        { rounds: 15, roundMs: 300 },
      );
      const [d, f, df, inf] = results;
      consume(d);
      const ratio = d!.opsPerSec / f!.opsPerSec;
      const roundRatios = d!.rounds.map((x, i) => x / f!.rounds[i]!);
      const spread = `${fmt.pct(Math.min(...roundRatios))}–${fmt.pct(Math.max(...roundRatios))}`;
      rows.push([
        m.name,
        `${c.bytes.toFixed(0)} B`,
        fmt.pct(c.compressed),
        `${fmt.rate(d!.opsPerSec)} msg/s`,
        `${fmt.rate(f!.opsPerSec)} msg/s`,
        `**${fmt.pct(ratio)}**`,
        spread,
        ratio >= goal ? 'yes' : 'no',
        `${fmt.mib(d!.opsPerSec * c.bytes)}/s`,
        `${fmt.rate(df!.opsPerSec)} msg/s (${fmt.pct(df!.opsPerSec / f!.opsPerSec)})`,
      ]);
      const entry: Record<string, unknown> = { dialect: d, floor: f, dialectWithFields: df, ratio, frameBytes: c.bytes, compressedShare: c.compressed, roundRatios };
      if (inf) {
        // Time per message: XTEA alone is 1/floor, inflating alone 1/inflate; a decoder doing nothing else would reach floor time / (both).
        const ceiling = 1 / (1 + f!.opsPerSec / inf.opsPerSec);
        entry.inflate = inf;
        entry.ceilingWithInflate = ceiling;
        inflateRows.push([m.name, `${fmt.rate(inf.opsPerSec)} msg/s`, fmt.pct(inf.opsPerSec / f!.opsPerSec), fmt.pct(ceiling), fmt.pct(ratio)]);
      }
      data[m.name] = entry;
    }
    const loadEnd = loadavg()[0]!;
    const rsa = rsaRates();
    data.rsa = rsa;
    data.load = { start: loadStart, end: loadEnd };
    const markdown = [
      'One message = one server → client frame (14.05 layout, sequenced, compressed from 128 bytes like Canary: one raw-DEFLATE stream per message at level 6) through `OtGameSession.decode` — cut, sequence check, XTEA, inflate, opcode names and flags (every batched message walked to its end) — beside XTEA-decrypting the same encrypted bodies with the same XTEA code (four blocks side by side), the floor any OT decoder pays. Goal (issue 8): ≥ 70 % of the floor. A message’s fields are decoded when its `body` is first read; the last column reads every body in the same rounds (what a consumer that looks at every message’s fields pays).',
      '',
      table(['traffic', 'avg frame', 'compressed', 'dialect', 'raw XTEA (floor)', 'dialect / floor', 'per round (min–max)', '≥ 70 %', 'dialect wire', 'with every body read'], rows),
      '',
      `Load average (1 min) on ${cpus().length} cores (the machine is shared): ${loadStart.toFixed(1)} at the start, ${loadEnd.toFixed(1)} at the end. Each row is the median of 15 alternating rounds of ~300 ms of this process's CPU time (dialect, floor, dialect reading every body${inflateRows.length ? ', inflate' : ''}, then the reverse order): CPU time, not wall time, because under this load a wall-clock round held anywhere from a tenth to all of its time in our own work. The per-round column shows how far single rounds still move.`,
      '',
      `Compressed traffic: the floor counts XTEA over the compressed bytes only, while a decoder must also inflate them (into more bytes than XTEA saw). Inflating the same messages alone, with the dialect’s inflate (its own decoder below ${ZLIB_FROM} compressed bytes, node:zlib from there on), in the same rounds:`,
      '',
      table(['traffic', 'inflate alone', 'inflate / floor', 'ceiling (XTEA + inflate, nothing else)', 'dialect / floor'], inflateRows),
      '',
      'The ceiling is what a decoder that did nothing but XTEA and inflate would reach against this floor: where it is under 70 %, the goal cannot be met for that traffic without a faster inflate, whatever else is cut.',
      '',
      `Map data as generated here compresses ${mapCompression()} at level 6 (Canary's default).`,
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
