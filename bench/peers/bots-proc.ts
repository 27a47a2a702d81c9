/**
 * Child process of bench/peers.bench.ts: N bots logging in to the server,
 * then acting at a given rate; reports request→response latencies.
 */
import '../child-exit';
import { BotFleet } from '../../src-main/peers/bot';

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
});
const loginSeconds = (performance.now() - t0) / 1000;
if (idle) for (const b of fleet.bots) b.pause();
process.send!({ cmd: 'ready', connected: fleet.connected, loginSeconds });

process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'reset') {
    for (const b of fleet.bots) b.stats.latencyMs.length = 0;
    process.send!({ cmd: 'reset' });
  } else if (m.cmd === 'latency') {
    const all = fleet.bots.flatMap((b) => b.stats.latencyMs);
    const frames = fleet.bots.reduce((n, b) => n + (b.client.connection?.framesIn ?? 0) + (b.client.connection?.framesOut ?? 0), 0);
    const gaps = fleet.bots.reduce((n, b) => n + (b.sync?.gaps ?? 0), 0);
    const batches = fleet.bots.reduce((n, b) => n + (b.sync?.batches ?? 0), 0);
    process.send!({ cmd: 'latency', samples: all, frames, connected: fleet.connected, gaps, batches });
  } else if (m.cmd === 'stop') {
    void fleet.stop(true).then(() => process.exit(0));
  }
});
