/**
 * A profiling harness for the reference server under bots (not a
 * benchmark): the server and COUNT bots as bench:peers runs them (1000,
 * acting every 300 ms), then SECS one-second lines — the bots' p50/p99/max
 * request→response latency, each side's CPU, GC pauses (count / total,
 * longest) and event-loop delay, and the machine's CPU pressure — to see
 * which second went over and what happened in it.
 *
 *   npx tsx bench/peers/profile-load.ts
 *   TRACE_LONG=1 …        also the server's periodic work per second (long-tasks.ts)
 *   SYNC_SLICES=25 …      the server's sync groups (default 10)
 *   SERVER_ARGV="--cpu-prof --cpu-prof-dir=/tmp/p" …, BOTS_ARGV=…   node flags for either side
 *   HEAP=/tmp/server.heapprofile …   a sampling heap profile of the server over the SECS
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ask, next, stop } from '../child';

const COUNT = Number(process.env.COUNT ?? 1000);
const SECS = Number(process.env.SECS ?? 30);

interface Gc {
  count: number;
  ms: number;
  max: number;
}
interface ServerStats {
  cpu: NodeJS.CpuUsage;
  gc: Gc;
  loopP99Ms: number;
  loopMaxMs: number;
  long?: unknown;
}
interface BotsWindow {
  samples: number[];
  gc: Gc;
  loopP99Ms: number;
  cpuCores: number;
}

const argv = (v?: string): string[] => (v ?? '').split(' ').filter(Boolean);
const start = (file: string, env: Record<string, string>, extra: string[]): ChildProcess =>
  fork(join(import.meta.dirname, file), [], { execArgv: ['--import', 'tsx', ...extra], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const stalledMicros = (): number => {
  try {
    return Number(/^some .*total=(\d+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
};
const gcText = (g: Gc): string => `gc ${g.count}/${g.ms.toFixed(0)} ms, longest ${g.max.toFixed(1)}`;

const server = start('server-proc.ts', { BOTS: String(COUNT), FAST_SCRYPT: '1' }, argv(process.env.SERVER_ARGV));
const ready = await next<{ port: number; identity: string }>(server, 'ready');
const bots = start('bots-proc.ts', { PORT: String(ready.port), IDENTITY: ready.identity, COUNT: String(COUNT), FIRST: '1', INTERVAL: '300' }, argv(process.env.BOTS_ARGV));
await next(bots, 'ready', 600_000);
await new Promise((r) => setTimeout(r, 4000)); // warm-up, as bench:peers
if (process.env.HEAP) await ask(server, 'heapStart');
await ask(bots, 'reset');
let s0 = await ask<ServerStats>(server, 'stats');
let stall0 = stalledMicros();
const all: number[] = [];
let over = 0;
for (let i = 0; i < SECS; i++) {
  await new Promise((r) => setTimeout(r, 1000));
  const s1 = await ask<ServerStats>(server, 'stats');
  const w = await ask<BotsWindow>(bots, 'latency');
  await ask(bots, 'reset');
  const stall1 = stalledMicros();
  const sorted = [...w.samples].sort((a, b) => a - b);
  const p99 = sorted[Math.floor(sorted.length * 0.99)] ?? 0;
  if (p99 > 50) over++;
  all.push(...w.samples);
  const serverCores = (s1.cpu.user + s1.cpu.system - s0.cpu.user - s0.cpu.system) / 1e6;
  console.log(
    `${String(i).padStart(3)} n=${sorted.length} p50=${(sorted[sorted.length >> 1] ?? 0).toFixed(1)} p99=${p99.toFixed(1)} max=${(sorted.at(-1) ?? 0).toFixed(1)}` +
      ` | server ${serverCores.toFixed(2)} cores, ${gcText(s1.gc)}, loop p99 ${s1.loopP99Ms.toFixed(0)} max ${s1.loopMaxMs.toFixed(0)}` +
      ` | bots ${w.cpuCores.toFixed(2)} cores, ${gcText(w.gc)}, loop p99 ${w.loopP99Ms.toFixed(0)} | cpu pressure ${((stall1 - stall0) / 1e4).toFixed(0)} %`,
  );
  if (s1.long) console.log(`    ${JSON.stringify(s1.long)}`);
  s0 = s1;
  stall0 = stall1;
}
if (process.env.HEAP) {
  const written = next(server, 'heapStop');
  server.send({ cmd: 'heapStop', file: process.env.HEAP });
  await written;
}
all.sort((a, b) => a - b);
console.log(`all samples: p50 ${all[all.length >> 1]!.toFixed(1)} ms, p99 ${all[Math.floor(all.length * 0.99)]!.toFixed(1)} ms; seconds with p99 over 50 ms: ${over}/${SECS}`);
await stop(bots);
await stop(server);
