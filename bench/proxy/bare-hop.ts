/**
 * Part of bench:proxy, after the paths: what one extra process hop costs on
 * this machine with no otbridge code anywhere — a bare TCP echo server, a
 * bare Node pipe in front of it, and a load process sending 64-byte messages
 * on the same open-loop schedule as the proxy's latency rows (bench/proxy/
 * bare-proc.ts). The p99 the pipe adds over direct is the floor under any
 * proxy's "added p99" here; the proxy benchmark's own plain-pipe row measures
 * the same hop with the reference peers and their crypto on both ends.
 */
import { median, percentile, table } from '../lib';
import { ask, child, next, stop } from '../child';

const CONNS = 20;
const RATE = 1000;
const ROUNDS = 7;
const SLICES = 5;
const SLICE_SECONDS = 1;
const RESUME_SECONDS = 0.25;

interface RunDone {
  latencies: number[];
  sent: number;
  lost: number;
}

interface CanaryStats {
  seconds: number;
  ticks: number;
  over2: number;
  over5: number;
  lateMs: number;
  maxMs: number;
}

export interface BareHop {
  markdown: string;
  canary: CanaryStats;
  directP99: number;
  pipeP99: number;
  addedP99: number;
  addedP99Min: number;
  addedP99Max: number;
}

export async function bareHop(): Promise<BareHop> {
  const echo = child('proxy/bare-proc.ts', { ROLE: 'echo' });
  const { port: echoPort } = await next<{ port: number }>(echo, 'ready');
  const pipe = child('proxy/bare-proc.ts', { ROLE: 'pipe', TARGET_PORT: String(echoPort) });
  const { port: pipePort } = await next<{ port: number }>(pipe, 'ready');
  const load = child('proxy/bare-proc.ts', { ROLE: 'load' });
  await next(load, 'ready');
  const canary = child('proxy/bare-proc.ts', { ROLE: 'canary' });
  await next(canary, 'ready');
  try {
    const connected = next(load, 'connect');
    load.send({ cmd: 'connect', ports: [echoPort, pipePort], conns: CONNS });
    await connected;
    const run = async (port: number, seconds: number): Promise<RunDone> => {
      const done = next<RunDone>(load, 'run', (seconds + 30) * 1000);
      load.send({ cmd: 'run', port, rate: RATE, seconds });
      return done;
    };
    const ports = [echoPort, pipePort] as const;
    const all: [number[], number[]] = [[], []];
    const p99s: [number[], number[]] = [[], []];
    const added: number[] = [];
    let lost = 0;
    await run(echoPort, 1);
    await run(pipePort, 1);
    for (let r = 0; r < ROUNDS; r++) {
      const round: [number[], number[]] = [[], []];
      for (let s = 0; s < SLICES; s++) {
        for (const i of (r * SLICES + s) % 2 === 0 ? [0, 1] : [1, 0]) {
          await run(ports[i]!, RESUME_SECONDS);
          const got = await run(ports[i]!, SLICE_SECONDS);
          lost += got.lost;
          round[i]!.push(...got.latencies);
        }
      }
      const p = round.map((l) => percentile([...l].sort((a, b) => a - b), 99)) as [number, number];
      p99s[0].push(p[0]);
      p99s[1].push(p[1]);
      added.push(p[1] - p[0]);
      all[0].push(...round[0]);
      all[1].push(...round[1]);
    }
    if (lost > 0) throw new Error(`bare hop: ${lost} messages were not echoed within 2 s`);
    const idle = await ask<CanaryStats>(canary, 'stats');
    const pooled = all.map((l) => percentile(l.sort((a, b) => a - b), 99));
    const p50 = all.map((l) => percentile(l, 50));
    const res: Omit<BareHop, 'markdown'> = {
      canary: idle,
      directP99: median(p99s[0]),
      pipeP99: median(p99s[1]),
      addedP99: median(added),
      addedP99Min: Math.min(...added),
      addedP99Max: Math.max(...added),
    };
    const markdown = [
      `The floor under "added p99" on this machine, with no otbridge code: a bare TCP echo server, alone and behind a bare Node pipe (\`socket.pipe\` both ways), ${RATE} messages of 64 bytes a second over ${CONNS} connections on the open loop's schedule, ${ROUNDS} rounds of ${SLICES} × ${SLICE_SECONDS} s slices taking turns (each after ${RESUME_SECONDS} s unmeasured):`,
      '',
      table(
        ['bare path @ 1000 echoes/s', 'p50 ms', 'p99 ms (median of rounds)', 'added p99 ms (median of rounds)', 'added p99 range', 'p99 of all samples'],
        [
          ['echo server, direct', p50[0]!.toFixed(3), res.directP99.toFixed(3), '0.000', '—', pooled[0]!.toFixed(3)],
          ['echo server behind a Node pipe', p50[1]!.toFixed(3), res.pipeP99.toFixed(3), res.addedP99.toFixed(3), `${res.addedP99Min.toFixed(2)} … ${res.addedP99Max.toFixed(2)}`, pooled[1]!.toFixed(3)],
        ],
      ),
      '',
      `Meanwhile an idle process with a 1-ms timer and no other work (bare-proc.ts, ROLE=canary) found its timer more than 2 ms late ${idle.over2} times in ${idle.seconds.toFixed(0)} s (${(idle.over2 / idle.seconds).toFixed(1)} a second, ${idle.lateMs.toFixed(0)} ms in all), more than 5 ms late ${idle.over5} times, at worst ${idle.maxMs.toFixed(1)} ms: how often this machine leaves a process without the CPU while the load is light. A request in flight at such a moment waits with it, on any path; each extra process on the path is one more that can be left waiting.`,
    ].join('\n');
    return { ...res, markdown };
  } finally {
    await stop(load);
    await stop(pipe);
    await stop(echo);
    await stop(canary);
  }
}
