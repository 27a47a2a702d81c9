/**
 * A profiling harness for the proxy's relay (not a benchmark): the reference
 * server, one relay (decrypt + capture by default) and one load process,
 * a closed loop for SECONDS, then the relay's CPU µs and heap bytes allocated
 * per message. RELAY_ARGS adds V8/Node flags to the relay alone, e.g.
 *   RELAY_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npx tsx bench/proxy/profile-relay.ts
 * (NODE_OPTIONS cannot carry --cpu-prof). CAPTURE=0 runs decrypt mode without a capture. The allocation figure is read from
 * --trace-gc-nvp, which the harness adds and parses itself.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ask, child, next, stop } from '../child';
import type { RunAsk, RunDone } from './load-proc';

const MODE = process.env.MODE ?? 'decrypt';
const SECONDS = Number(process.env.SECONDS ?? 8);
const RATE = Number(process.env.RATE ?? 0);
const CLIENTS = 20;

const server = child('peers/server-proc.ts', { BOTS: String(CLIENTS + 10), FAST_SCRYPT: '1' });
const target = await next<{ port: number; identity: string }>(server, 'ready');
const extra = (process.env.RELAY_ARGS ?? '').split(' ').filter(Boolean);
const relay = fork(join(import.meta.dirname, 'relay-proc.ts'), [], {
  execArgv: ['--import', 'tsx', '--trace-gc-nvp', ...extra],
  env: { ...process.env, MODE, TARGET_PORT: String(target.port), TARGET_IDENTITY: target.identity, ...(MODE === 'decrypt' && process.env.CAPTURE !== '0' ? { CAPTURE: '1' } : {}) },
  stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
});
// --trace-gc-nvp prints one line per GC with the bytes allocated since the previous one.
let allocated = 0;
let counting = false;
const gcKinds = new Map<string, { n: number; ms: number; max: number }>();
createInterface({ input: relay.stdout! }).on('line', (line) => {
  const a = /allocated=(\d+)/.exec(line);
  if (!a || !counting) return;
  allocated += Number(a[1]);
  const kind = /gc=(\w+)/.exec(line)?.[1] ?? '?';
  const ms = Number(/pause=([\d.]+)/.exec(line)?.[1] ?? 0);
  const k = gcKinds.get(kind) ?? { n: 0, ms: 0, max: 0 };
  k.n++;
  k.ms += ms;
  k.max = Math.max(k.max, ms);
  gcKinds.set(kind, k);
  if (process.env.SHOW_GC) console.log(line);
});
const r = await next<{ port: number; identity?: string }>(relay, 'ready');
const load = child('proxy/load-proc.ts', { PORT: String(r.port), IDENTITY: r.identity ?? target.identity, CLIENTS: String(CLIENTS), FIRST_ACCOUNT: '1' });
await next(load, 'ready');
const runLoad = (a: Omit<RunAsk, 'cmd'>): Promise<RunDone> => {
  const answer = next<RunDone>(load, 'run', (a.seconds + 60) * 1000);
  load.send({ cmd: 'run', ...a } satisfies RunAsk);
  return answer;
};
await runLoad({ rate: 0, window: 8, seconds: 1 });
const c0 = await ask<{ us: number; sysUs: number }>(relay, 'cpu');
counting = true;
const done = await runLoad({ rate: RATE, window: RATE ? 0 : 8, seconds: SECONDS });
const c1 = await ask<{ us: number; sysUs: number; gcMs: number; gcMaxMs: number }>(relay, 'cpu');
counting = false;
const sorted = [...done.latencies].sort((x, y) => x - y);
console.log(
  JSON.stringify({
    mode: MODE,
    msgPerSec: Math.round(done.messages / done.seconds),
    relayUsPerMsg: +((c1.us - c0.us) / done.messages).toFixed(2),
    relaySystemUsPerMsg: +((c1.sysUs - c0.sysUs) / done.messages).toFixed(2),
    loadUsPerMsg: +(done.cpuUs / done.messages).toFixed(2),
    allocBytesPerMsg: Math.round(allocated / done.messages),
    gc: Object.fromEntries(gcKinds),
    p50: sorted[Math.floor(sorted.length * 0.5)],
    p99: sorted[Math.floor(sorted.length * 0.99)],
  }),
);
await stop(load);
await stop(relay as never);
await stop(server);
