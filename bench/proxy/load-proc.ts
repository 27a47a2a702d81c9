/**
 * Child process of bench/proxy.bench.ts: C logged-in clients sending
 * HEARTBEAT requests through one path, kept connected across rounds so a
 * round measures traffic, not logins. Each `{ cmd: 'run' }` is a closed
 * loop (each client keeps W requests in flight: maximum throughput) or an
 * open loop at a fixed total rate (latency at a given load); the answer
 * carries messages (requests + responses), request → response latencies
 * and this process's CPU time.
 */
import '../child-exit';
import { openLoop } from '../open-loop';
import { UpClient } from '../../src-main/net/client/client';
import { MessageType } from '../../src-shared/protocol';

export interface RunAsk {
  readonly cmd: 'run';
  /** Requests per second in total; 0 = closed loop. */
  readonly rate: number;
  readonly window: number;
  readonly seconds: number;
}

export interface RunDone {
  readonly cmd: 'run';
  readonly messages: number;
  readonly seconds: number;
  readonly latencies: number[];
  readonly errors: number;
  /** Requests of the open loop that left more than 1 ms after their slot (the schedule slipped). */
  readonly late: number;
  /** user + system CPU of this process during the run, µs. */
  readonly cpuUs: number;
}

const port = Number(process.env.PORT);
const identity = new Uint8Array(Buffer.from(process.env.IDENTITY!, 'base64url'));
const clients = Number(process.env.CLIENTS ?? 20);
// Each path logs its own accounts in: one account logged in twice would end its first session.
const firstAccount = Number(process.env.FIRST_ACCOUNT ?? 1);

const conns: UpClient[] = [];
for (let i = 0; i < clients; i++) {
  const c = new UpClient({
    host: '127.0.0.1',
    port,
    identity: { pinned: identity },
    credentials: { account: `bot${firstAccount + i}`, password: 'bot' },
    reconnectAttempts: 0,
  });
  await c.connect();
  conns.push(c);
}

async function run(ask: RunAsk): Promise<RunDone> {
  const latencies: number[] = [];
  let done = 0;
  let errors = 0;
  let late = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + ask.seconds * 1000;
  // The clock is read right before the request is encoded and right after its answer is dispatched.
  const one = async (c: UpClient): Promise<void> => {
    const start = performance.now();
    try {
      await c.request(MessageType.HEARTBEAT, { t: start });
      latencies.push(performance.now() - start);
      done++;
    } catch {
      errors++;
    }
  };
  if (ask.rate === 0) {
    await Promise.all(
      conns.flatMap((c) =>
        Array.from({ length: ask.window }, async () => {
          while (performance.now() < end) await one(c);
        }),
      ),
    );
  } else {
    // Open loop: requests leave on a schedule whatever the answers do.
    const pending: Promise<void>[] = [];
    ({ late } = await openLoop(ask.rate, ask.seconds, (k) => pending.push(one(conns[k % conns.length]!))));
    await Promise.all(pending);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { cmd: 'run', messages: done * 2, seconds, latencies, errors, late, cpuUs: cpu.user + cpu.system };
}

process.on('message', (m: RunAsk | { cmd: 'stop' }) => {
  if (m.cmd === 'run') void run(m).then((r) => process.send!(r));
  else {
    for (const c of conns) c.close();
    setTimeout(() => process.exit(0), 100);
  }
});
process.send!({ cmd: 'ready' });
