/**
 * Child process of bench/proxy.bench.ts: C logged-in clients sending
 * HEARTBEAT requests — closed loop (each keeps W in flight: maximum
 * throughput) or open loop at a fixed total rate (latency at a given load).
 * Reports messages (requests + responses) and request → response latencies.
 */
import '../child-exit';
import { UpClient } from '../../src-main/net/client/client';
import { MessageType } from '../../src-shared/protocol';

const port = Number(process.env.PORT);
const identity = new Uint8Array(Buffer.from(process.env.IDENTITY!, 'base64url'));
const clients = Number(process.env.CLIENTS ?? 20);
const window = Number(process.env.WINDOW ?? 8);
const seconds = Number(process.env.SECONDS ?? 10);
const rate = Number(process.env.RATE ?? 0); // requests per second in total; 0 = closed loop

const conns: UpClient[] = [];
for (let i = 0; i < clients; i++) {
  const c = new UpClient({ host: '127.0.0.1', port, identity: { pinned: identity }, credentials: { account: `bot${i + 1}`, password: 'bot' }, reconnectAttempts: 0 });
  await c.connect();
  conns.push(c);
}
const latencies: number[] = [];
let done = 0;
let errors = 0;
const end = performance.now() + seconds * 1000;
const one = async (c: UpClient): Promise<void> => {
  const t0 = performance.now();
  try {
    await c.request(MessageType.HEARTBEAT, { t: t0 });
    latencies.push(performance.now() - t0);
    done++;
  } catch {
    errors++;
  }
};
const t0 = performance.now();
if (rate === 0) {
  await Promise.all(
    conns.flatMap((c) =>
      Array.from({ length: window }, async () => {
        while (performance.now() < end) await one(c);
      }),
    ),
  );
} else {
  // Open loop: requests leave on a schedule whatever the answers do.
  const pending: Promise<void>[] = [];
  let k = 0;
  const interval = 1000 / rate;
  while (performance.now() < end) {
    const due = t0 + k * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(one(conns[k % conns.length]!));
    k++;
  }
  await Promise.all(pending);
}
const elapsed = (performance.now() - t0) / 1000;
for (const c of conns) c.close();
process.send!({ cmd: 'done', messages: done * 2, seconds: elapsed, latencies, errors });
