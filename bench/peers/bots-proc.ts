/**
 * Child process of bench/peers.bench.ts: N bots logging in to the server,
 * then acting at a given rate. On request it reports, for the window since
 * the last 'reset': request→response latencies, what the bots sent and
 * received by kind, the process's own CPU and event-loop delay, and what
 * the bots see (players and creatures in view).
 */
import '../child-exit';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { watchGcPauses } from '../gc-pauses';
import { BotFleet, type BotStats } from '../../src-main/peers/bot';
import { MessageType } from '../../src-shared/protocol';

const port = Number(process.env.PORT);
const identity = Buffer.from(process.env.IDENTITY!, 'base64url');
const count = Number(process.env.COUNT);
const first = Number(process.env.FIRST ?? 1);
const intervalMs = Number(process.env.INTERVAL ?? 500);
const idle = process.env.IDLE === '1';

const t0 = performance.now();
const fleet = await BotFleet.start({
  host: '127.0.0.1',
  port,
  identity: { pinned: new Uint8Array(identity) },
  count,
  accounts: Array.from({ length: count }, (_, i) => ({ account: `bot${first + i}`, password: 'bot' })),
  intervalMs,
  loginConcurrency: 32,
  // Idle bots never act: they must not start between their login and the pause below.
  actTogether: idle,
});
const loginSeconds = (performance.now() - t0) / 1000;

const names = new Map<number, string>(Object.entries(MessageType).map(([name, code]) => [code, name]));
let pushes = new Map<string, number>();
for (const b of fleet.bots) {
  b.client.on('push', (f) => {
    const name = names.get(f.header.type) ?? `0x${f.header.type.toString(16)}`;
    pushes.set(name, (pushes.get(name) ?? 0) + 1);
  });
}

const COUNTED = ['moves', 'playerActions', 'interacts', 'remoteEvents', 'partyEvents', 'uiEdits', 'heartbeats', 'errors'] as const satisfies readonly (keyof BotStats)[];
const sent = (): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const k of COUNTED) out[k] = fleet.bots.reduce((n, b) => n + b.stats[k], 0);
  return out;
};
const frames = (): { in: number; out: number } =>
  fleet.bots.reduce((n, b) => ({ in: n.in + (b.client.connection?.framesIn ?? 0), out: n.out + (b.client.connection?.framesOut ?? 0) }), { in: 0, out: 0 });

const loop = monitorEventLoopDelay({ resolution: 5 });
// The bots' V8 pauses since the last 'reset': a pause delays every answer the bots are waiting for.
const gcPauses = watchGcPauses();
let window = { at: performance.now(), cpu: process.cpuUsage(), sent: sent(), frames: frames() };
const reset = (): void => {
  for (const b of fleet.bots) b.stats.latencyMs.length = 0;
  pushes = new Map();
  loop.reset();
  loop.enable();
  gcPauses.take();
  window = { at: performance.now(), cpu: process.cpuUsage(), sent: sent(), frames: frames() };
};

if (idle) for (const b of fleet.bots) b.pause();
process.send!({ cmd: 'ready', connected: fleet.connected, failed: fleet.failures.length, loginSeconds });

process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'reset') {
    reset();
    process.send!({ cmd: 'reset' });
  } else if (m.cmd === 'latency') {
    const seconds = (performance.now() - window.at) / 1000;
    const cpu = process.cpuUsage(window.cpu);
    const now = sent();
    const f = frames();
    // What the bots see, from their own replicas (the server's view of each player, as synced).
    let players = 0;
    let creatures = 0;
    let views = 0;
    for (const b of fleet.bots) {
      const world = (b.sync?.replica.state as { world?: { players?: object; creatures?: object } } | undefined)?.world;
      if (!world || !b.client.connection?.isOpen) continue;
      views++;
      players += Object.keys(world.players ?? {}).length;
      creatures += Object.keys(world.creatures ?? {}).length;
    }
    process.send!({
      cmd: 'latency',
      seconds,
      samples: fleet.bots.flatMap((b) => b.stats.latencyMs),
      connected: fleet.connected,
      framesIn: f.in - window.frames.in,
      framesOut: f.out - window.frames.out,
      sent: Object.fromEntries(COUNTED.map((k) => [k, now[k]! - window.sent[k]!])),
      pushes: Object.fromEntries(pushes),
      cpuCores: (cpu.user + cpu.system) / 1e6 / seconds,
      loopP99Ms: loop.percentile(99) / 1e6,
      gc: gcPauses.take(),
      inView: { players: players / Math.max(1, views), creatures: creatures / Math.max(1, views) },
      gaps: fleet.bots.reduce((n, b) => n + (b.sync?.gaps ?? 0), 0),
      batches: fleet.bots.reduce((n, b) => n + (b.sync?.batches ?? 0), 0),
    });
  } else if (m.cmd === 'stop') {
    void fleet.stop(true).then(() => process.exit(0));
  }
});
