/**
 * `npm run bench:replay`:
 *   1. reading and indexing a capture of a million messages — opening it for
 *      replay (the reader's index built from scratch, or loaded, plus the
 *      per-session overview replay makes) and reading every body — beside a
 *      raw sequential read of the same file (the floor);
 *   2. replay throughput at --speed max against the reference server,
 *      beside what bots reach against the same server (messages the server
 *      processed per second; the server runs in a child process).
 * Both are side by side, in alternating rounds (bench/lib.ts explains why);
 * the candidates here are asynchronous, so the rounds are run by
 * `compareAsync` below, which does what lib's compare() does for sync code.
 */
import { type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { consume, fmt, median, table, type Benchmark } from './lib';
import { ask, child, next } from './child';
import { BIG_CAPTURE, BIG_MESSAGES, bigCapture } from './replay/big-capture';
import { touchEveryByte } from './capture/measure';
import { ReplaySource, runReplay } from '../src-main/replay';
import { CaptureReader, indexPath } from '../src-main/capture';
import { BotFleet } from '../src-main/peers/bot';
import { BOT_PASSWORD } from '../src-main/peers/server';
import { startProxy } from '../src-main/proxy/setup';
import { generateKeyPair } from '../src-main/net/keys';

interface AsyncCandidate {
  readonly name: string;
  /** One measured operation: how many units (messages) it handled, and over how long when not its whole run. */
  readonly run: () => Promise<number | { units: number; seconds: number }>;
}

/**
 * Alternating rounds (A B, then B A, …) of async candidates; median units
 * per second of each, and the median CPU time of this process (every
 * thread: the main one and libuv's pool) per round.
 */
async function compareAsync(cands: readonly AsyncCandidate[], rounds = 3, warmup = 1): Promise<{ name: string; perSec: number; rounds: number[]; cpuMs: number }[]> {
  const rates: number[][] = cands.map(() => []);
  const cpu: number[][] = cands.map(() => []);
  for (let r = 0; r < warmup + rounds; r++) {
    const order = r % 2 === 0 ? cands.map((_, i) => i) : cands.map((_, i) => cands.length - 1 - i);
    for (const i of order) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const out = await cands[i]!.run();
      const dt = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      if (r >= warmup) {
        rates[i]!.push(typeof out === 'number' ? out / dt : out.units / out.seconds);
        cpu[i]!.push((c.user + c.system) / 1000);
      }
    }
  }
  return cands.map((c, i) => ({ name: c.name, perSec: median(rates[i]!), rounds: rates[i]!, cpuMs: median(cpu[i]!) }));
}

// ---- 1. reading and indexing ------------------------------------------------

/**
 * The floor the issue names — the same file read sequentially — as
 * bench:capture reads it: 1 MiB read()s into one buffer, every byte
 * touched (a reader has to look at what it reads). `touch` false only reads
 * (one byte looked at per MiB): the kernel's copy alone, shown for reference.
 */
async function rawRead(path: string, touch: boolean): Promise<number> {
  const fh = await open(path, 'r');
  const buf = new Uint8Array(1 << 20);
  let sum = 0;
  try {
    for (let pos = 0; ; ) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      sum = touch ? touchEveryByte(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead), sum) : sum + buf[bytesRead - 1]!;
      pos += bytesRead;
    }
  } finally {
    await fh.close();
  }
  consume(sum);
  return BIG_MESSAGES;
}

async function openForReplay(path: string, cold: boolean): Promise<number> {
  if (cold) rmSync(indexPath(path), { force: true });
  const s = await ReplaySource.open(path);
  const n = s.messages;
  consume(s.sessions.length);
  await s.close();
  return n;
}

async function readBodies(path: string): Promise<number> {
  const reader = await CaptureReader.open(path);
  let n = 0;
  let bytes = 0;
  for await (const r of reader.records()) {
    n++;
    if (r.body !== undefined) bytes++;
  }
  await reader.close();
  consume(bytes);
  return n;
}

// ---- 2. replay throughput -------------------------------------------------------

const BOTS = 16;
const BOT_INTERVAL_MS = 2;
const SECONDS = 4;
/** Long enough a recording that the replay's sessions play for a while. */
const RECORD_SECONDS = 10;

/** Bots against the server; frames counted over a window after they are all logged in. */
async function botsDirect(server: ChildProcess, port: number, identity: Uint8Array): Promise<{ units: number; seconds: number }> {
  const fleet = await BotFleet.start({ host: '127.0.0.1', port, identity: { pinned: identity }, count: BOTS, intervalMs: BOT_INTERVAL_MS, seed: 3, accounts: accounts() });
  const s0 = await ask<{ framesIn: number }>(server, 'stats');
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const s1 = await ask<{ framesIn: number }>(server, 'stats');
  const dt = (performance.now() - t0) / 1000;
  await Promise.all(fleet.bots.map((b) => b.stop(true)));
  return { units: s1.framesIn - s0.framesIn, seconds: dt };
}

const accounts = (): { account: string; password: string }[] => Array.from({ length: BOTS }, (_, i) => ({ account: `bot${i + 1}`, password: BOT_PASSWORD }));

const bench: Benchmark = {
  name: 'replay',
  title: 'Replay: reading and indexing captures, replay throughput',
  command: 'npm run bench:replay',
  async run() {
    // 1.
    const loadBefore = loadavg();
    const t0 = performance.now();
    const path = await bigCapture();
    const made = (performance.now() - t0) / 1000;
    const size = (await open(path, 'r').then(async (f) => {
      const st = await f.stat();
      await f.close();
      return st.size;
    })) as number;
    const read = await compareAsync(
      [
        { name: 'raw sequential read, every byte touched (floor)', run: () => rawRead(path, true) },
        { name: 'open for replay, index built (no .idx)', run: () => openForReplay(path, true) },
        { name: 'open for replay, index loaded (.idx present)', run: () => openForReplay(path, false) },
        { name: 'read every record with its body', run: () => readBodies(path) },
        { name: 'raw sequential read, bytes not looked at (reference)', run: () => rawRead(path, false) },
      ],
      7,
      2,
    );
    const floor = read[0]!.perSec;
    const readOnly = read[4]!.perSec;

    // 2.
    const server = child('replay/server-proc.ts', { BOTS: String(BOTS) });
    const ready = await next<{ port: number; identity: string }>(server, 'ready');
    const identity = Buffer.from(ready.identity, 'base64url');
    // One recording of the same bots through a decrypting proxy: what the replay plays back.
    const dir = mkdtempSync(join(tmpdir(), 'otb-bench-replay-'));
    const capture = join(dir, 'bots.pcapng');
    const proxyKey = generateKeyPair('ed25519');
    const proxy = await startProxy({ listen: { host: '127.0.0.1', port: 0 }, target: { host: '127.0.0.1', port: ready.port }, dialect: 'up2', mode: 'decrypt', identity: proxyKey, upstreamIdentity: { pinned: identity }, capture: { path: capture, overwrite: true } });
    const fleet = await BotFleet.start({ host: '127.0.0.1', port: proxy.address.port, identity: { pinned: proxyKey.publicRaw }, count: BOTS, intervalMs: BOT_INTERVAL_MS, seed: 3, accounts: accounts() });
    await new Promise((r) => setTimeout(r, RECORD_SECONDS * 1000));
    await Promise.all(fleet.bots.map((b) => b.stop(true)));
    await new Promise((r) => setTimeout(r, 300));
    await proxy.close();
    let replayed = 0;
    const live = await compareAsync(
      [
        { name: `${BOTS} bots directly (act every ${BOT_INTERVAL_MS} ms)`, run: () => botsDirect(server, ready.port, identity) },
        {
          name: `replay of their capture at --speed max`,
          run: async () => {
            const report = await runReplay({ capture, target: { host: '127.0.0.1', port: ready.port }, identity: { pinned: identity }, password: BOT_PASSWORD, speed: 'max', settleMs: 0, maxSettleMs: 0 });
            if (report.sessions.some((s) => s.error)) throw new Error(`replay failed: ${report.sessions.find((s) => s.error)!.error}`);
            replayed = report.sessions.reduce((n, s) => n + s.sent, 0);
            // The window in which the sessions played their messages (logins and logouts aside, as for the bots).
            const plays = report.sessions.flatMap((s) => (s.play ? [s.play] : []));
            const start = Math.min(...plays.map((p) => p.startedAt));
            const end = Math.max(...plays.map((p) => p.startedAt + p.ms));
            return { units: replayed, seconds: Math.max(0.001, (end - start) / 1000) };
          },
        },
      ],
      3,
      1,
    );
    server.send({ cmd: 'stop' });
    rmSync(dir, { recursive: true, force: true });
    const bots = live[0]!.perSec;
    const rep = live[1]!.perSec;
    const md = [
      `### Reading and indexing a capture of ${fmt.rate(BIG_MESSAGES)} messages (${fmt.mib(size)}, ${BIG_MESSAGES / 1000}k records in 200 interleaved sessions; made in ${made.toFixed(1)} s)`,
      '',
      table(
        ['', 'messages/s', 'MiB/s', 'CPU ms a round', 'vs raw read (floor)', 'vs read only (reference)', 'goal: ≥ 50 % of the floor', 'and of the read only'],
        read.map((r, i) => [
          r.name,
          fmt.rate(r.perSec),
          ((r.perSec / BIG_MESSAGES) * (size / 1048576)).toFixed(0),
          r.cpuMs.toFixed(0),
          fmt.pct(r.perSec / floor),
          fmt.pct(r.perSec / readOnly),
          i === 1 || i === 2 ? (r.perSec / floor >= 0.5 ? 'met' : 'missed') : '',
          i === 1 || i === 2 ? (r.perSec / readOnly >= 0.5 ? 'met' : 'missed') : '',
        ]),
      ),
      '',
      `Medians of 7 rounds (2 warm-up rounds not counted), the candidates in an order that alternates from round to round; load average ${loadBefore.map((x) => x.toFixed(1)).join(' / ')} before, ${loadavg().map((x) => x.toFixed(1)).join(' / ')} after (1/5/15 min) on a machine shared with other work: absolute rates vary from run to run, the side-by-side ratios less.`,
      '',
      'Opening for replay = ReplaySource.open: the capture\'s parts opened, one pass over its index — the `.idx` read through a 1 MiB buffer and checked (order, first/last and 16 entries against their blocks), or without one every block scanned (4 MiB reads, the next read ahead on the thread pool while this one is scanned) and the index written as it is found (the scan\'s chunks of entries written as they are, 1 MiB per `writev`, to a temporary file renamed over the `.idx` at the end) — keeping per session only where its records are (4 bytes a record, in pooled slabs) and the counts the session list needs (one 64-byte row a session); then the session-metadata blocks read. No record is decoded until a session is replayed. The row with no `.idx` includes removing the old one and writing the new one (32 bytes a record): each of its rounds is a whole open and close, the `.idx` on disk when it returns. The floor is what bench:capture uses: 1 MiB `read()`s of the same file from the page cache into one buffer, XOR of every 32-bit word; the last row only reads (the kernel copying the bytes, nothing looking at them), for reference. CPU ms a round: the median CPU time of the whole process (main thread and libuv\'s pool) per round — the scan overlaps its reads with its own work only when a second core is free, so on a machine busy with other work its speed follows its CPU time.',
      '',
      `### Replay throughput at --speed max (the reference server in a child process; client messages per second)`,
      '',
      table(
        ['', 'messages/s', 'ratio', 'goal'],
        [
          [live[0]!.name, fmt.rate(bots), '1.00', ''],
          [live[1]!.name, fmt.rate(rep), (rep / bots).toFixed(2), rep / bots >= 0.8 ? 'met (≥ 0.8)' : 'missed (< 0.8)'],
        ],
      ),
      '',
      `Bots: client frames the server processed over ${SECONDS} s once all ${BOTS} were logged in; their rate is what their timers allow on this machine. Replay: the client messages of a capture of the same ${BOTS} bots (recorded through a decrypting proxy for ${RECORD_SECONDS} s, ${replayed} messages), over the window in which its ${BOTS} sessions played them at once — back to back, each waiting only for the answers it depended on in the capture; logins and logouts are outside both windows.`,
    ].join('\n');
    return { markdown: md, data: { size, read, live, replayed, capture: BIG_CAPTURE } };
  },
};

export default bench;
