/**
 * `npm run bench:peers`: the reference server and its bots on loopback, in
 * separate processes (the server's CPU is its own):
 *   - sessions/s for connect + handshake + login, beside the scrypt checks/s
 *     that bound it (every login verifies a password with scrypt N=2^14);
 *   - messages/s (both directions, counted at the server) and p50/p99
 *     request → response latency at the bots, with 1, 100 and 1000 bots;
 *   - memory per idle logged-in session (heap + buffers after GC).
 */
import { type ChildProcess } from 'node:child_process';
import { scrypt, randomBytes } from 'node:crypto';
import { fmt, median, percentile, table, type Benchmark } from './lib';
import { ask, child as start, next, stop } from './child';

const child = (file: string, env: Record<string, string>) => start(`peers/${file}`, env, { maxOldSpaceMiB: 4096 });

interface ServerReady {
  port: number;
  identity: string;
}
interface Stats {
  framesIn: number;
  framesInLive: number;
  framesOutLive: number;
  sessions: number;
  cpu: { user: number; system: number };
}
interface Latency {
  samples: number[];
  frames: number;
  connected: number;
  gaps: number;
  batches: number;
}
interface Memory {
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  rss: number;
  sessions: number;
}

async function scryptRate(seconds: number): Promise<number> {
  const salt = randomBytes(16);
  let n = 0;
  const end = performance.now() + seconds * 1000;
  // As many at once as the login path allows (libuv's threadpool, 4 by default).
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (performance.now() < end) {
        await new Promise<void>((ok, fail) => scrypt('password', salt, 32, { N: 1 << 14, r: 8, p: 1 }, (e) => (e ? fail(e) : ok())));
        n++;
      }
    }),
  );
  return n / seconds;
}

async function loadRun(server: ChildProcess, ready: ServerReady, count: number, intervalMs: number, first: number): Promise<Record<string, number>> {
  const bots = child('bots-proc.ts', { PORT: String(ready.port), IDENTITY: ready.identity, COUNT: String(count), FIRST: String(first), INTERVAL: String(intervalMs) });
  const r = await next<{ connected: number }>(bots, 'ready', 600_000);
  await new Promise((res) => setTimeout(res, 4000)); // warm-up
  await ask(bots, 'reset');
  const s0 = await ask<Stats>(server, 'stats');
  const t0 = performance.now();
  await new Promise((res) => setTimeout(res, 15_000));
  const s1 = await ask<Stats>(server, 'stats');
  const seconds = (performance.now() - t0) / 1000;
  const lat = await ask<Latency>(bots, 'latency');
  await stop(bots);
  const sorted = [...lat.samples].sort((a, b) => a - b);
  const frames = s1.framesInLive + s1.framesOutLive - (s0.framesInLive + s0.framesOutLive);
  const cpu = (s1.cpu.user + s1.cpu.system - s0.cpu.user - s0.cpu.system) / 1e6 / seconds;
  return {
    bots: count,
    connected: r.connected,
    msgPerSec: frames / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    samples: sorted.length,
    serverCpu: cpu,
    gaps: lat.gaps,
    batches: lat.batches,
  };
}

const bench: Benchmark = {
  name: 'peers',
  title: 'Reference server and bots (UP/2.0 over loopback)',
  command: 'npm run bench:peers',
  async run() {
    const rows: Record<string, number>[] = [];
    // 1. Logins with the production password hashing.
    const server = child('server-proc.ts', { BOTS: '1300' });
    const ready = await next<ServerReady>(server, 'ready');
    const loginBots = child('bots-proc.ts', { PORT: String(ready.port), IDENTITY: ready.identity, COUNT: '100', FIRST: '1201', IDLE: '1' });
    const login = await next<{ connected: number; loginSeconds: number }>(loginBots, 'ready', 600_000);
    await stop(loginBots);
    const sessionsPerSec = login.connected / login.loginSeconds;
    const scryptPerSec = await scryptRate(3);
    // 2. Load with 1, 100 and 1000 bots (each bot acts every 300 ms on average).
    let first = 1;
    for (const n of [1, 100, 1000]) {
      rows.push(await loadRun(server, ready, n, 300, first));
      first += n;
      if (first + 1000 > 1200) first = 1;
    }
    await stop(server);
    // 3. Memory per idle session: a fresh server, before and after 1000 idle logins.
    const memServer = child('server-proc.ts', { BOTS: '1000', FAST_SCRYPT: '1' });
    const memReady = await next<ServerReady>(memServer, 'ready');
    const before = await ask<Memory>(memServer, 'memory');
    const idle = child('bots-proc.ts', { PORT: String(memReady.port), IDENTITY: memReady.identity, COUNT: '1000', IDLE: '1' });
    await next(idle, 'ready', 600_000);
    await new Promise((res) => setTimeout(res, 5000));
    const after = await ask<Memory>(memServer, 'memory');
    await stop(idle);
    await stop(memServer);
    const total = (m: Memory): number => m.heapUsed + m.external;
    const perSession = (total(after) - total(before)) / Math.max(1, after.sessions);
    const rssPerSession = (after.rss - before.rss) / Math.max(1, after.sessions);

    const md = [
      '### Logins (connect + X25519/Ed25519 handshake + scrypt login + EdDSA token)',
      '',
      table(
        ['', 'per second', 'ratio'],
        [
          ['sessions logged in (100 bots, 32 at once)', fmt.rate(sessionsPerSec), `${(sessionsPerSec / scryptPerSec).toFixed(2)} × the scrypt floor`],
          ['floor: scrypt N=2^14 checks, 4 at once', fmt.rate(scryptPerSec), '1.00'],
        ],
      ),
      '',
      'A login costs one scrypt check by design (about 16 MiB and tens of ms); the rest of the path is what the ratio shows.',
      '',
      '### Load (bots act every 300 ms on average; messages counted at the server, both directions)',
      '',
      table(
        ['bots', 'connected', 'msg/s', 'vs 1000 msg/s floor', 'p50 ms', 'p99 ms', 'p99 vs 50 ms', 'server CPU (cores)', 'state batches', 'gaps'],
        rows.map((r) => [
          r.bots!,
          r.connected!,
          fmt.rate(r.msgPerSec!),
          `${(r.msgPerSec! / 1000).toFixed(1)} ×`,
          r.p50!.toFixed(2),
          r.p99!.toFixed(2),
          r.p99! < 50 ? 'met' : 'missed',
          r.serverCpu!.toFixed(2),
          r.batches!,
          r.gaps!,
        ]),
      ),
      '',
      '### Memory per idle session (1000 logged-in bots that do nothing)',
      '',
      table(
        ['', 'per session', 'goal'],
        [
          ['JS heap + external, after GC', fmt.kib(perSession), perSession < 64 * 1024 ? 'met (< 64 KiB)' : 'missed (≥ 64 KiB)'],
          ['process RSS', fmt.kib(rssPerSession), ''],
        ],
      ),
      '',
      `Medians of latency are per request (HEARTBEAT and remote EVENT_TRIGGER). ${median(rows.map((r) => r.samples!)).toFixed(0)} samples per run (median).`,
    ].join('\n');
    return { markdown: md, data: { sessionsPerSec, scryptPerSec, rows, perSession, rssPerSession, before, after } };
  },
};

export default bench;
