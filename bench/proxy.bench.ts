/**
 * `npm run bench:proxy`: the same load, in one run, through four paths on
 * loopback — clients → server directly; → a plain Node TCP pipe; → our proxy
 * in passthrough; → our proxy in decrypt mode with a capture. Each path: a
 * closed loop for maximum messages/s, then an open loop at 2000 msg/s
 * (1000 requests/s and their answers) for latency. Server, relay and load
 * each run in their own process.
 */
import { type ChildProcess } from 'node:child_process';
import { fmt, percentile, table, type Benchmark } from './lib';
import { child, next, stop } from './child';

interface Done {
  messages: number;
  seconds: number;
  latencies: number[];
  errors: number;
}

async function load(port: number, identity: string, env: Record<string, string>): Promise<Done> {
  const p = child('proxy/load-proc.ts', { PORT: String(port), IDENTITY: identity, ...env });
  return next<Done>(p, 'done');
}

const PATHS = [
  { name: 'direct to the server', mode: null },
  { name: 'plain Node TCP pipe', mode: 'pipe' },
  { name: 'proxy, passthrough', mode: 'passthrough' },
  { name: 'proxy, decrypt + capture', mode: 'decrypt' },
] as const;

const bench: Benchmark = {
  name: 'proxy',
  title: 'Protocol proxy throughput and added latency (UP/2.0, loopback)',
  command: 'npm run bench:proxy',
  async run() {
    const server = child('peers/server-proc.ts', { BOTS: '200', FAST_SCRYPT: '1' });
    const ready = await next<{ port: number; identity: string }>(server, 'ready');
    const results: { name: string; msgPerSec: number; p50: number; p99: number; errors: number }[] = [];
    for (const path of PATHS) {
      let relay: ChildProcess | null = null;
      let port = ready.port;
      let identity = ready.identity;
      if (path.mode) {
        relay = child('proxy/relay-proc.ts', {
          MODE: path.mode,
          TARGET_PORT: String(ready.port),
          TARGET_IDENTITY: ready.identity,
          ...(path.mode === 'decrypt' ? { CAPTURE: '1' } : {}),
        });
        const r = await next<{ port: number; identity?: string }>(relay, 'ready');
        port = r.port;
        if (r.identity) identity = r.identity;
      }
      const closed = await load(port, identity, { CLIENTS: '20', WINDOW: '8', SECONDS: '10' });
      const open = await load(port, identity, { CLIENTS: '20', RATE: '1000', SECONDS: '10' });
      if (relay) await stop(relay);
      const sorted = [...open.latencies].sort((a, b) => a - b);
      results.push({
        name: path.name,
        msgPerSec: closed.messages / closed.seconds,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        errors: closed.errors + open.errors,
      });
    }
    await stop(server);
    const direct = results[0]!;
    const pipe = results[1]!;
    const md = [
      table(
        ['path', 'msg/s (closed loop)', '÷ direct', '÷ plain pipe', 'p50 ms @ 2000 msg/s', 'p99 ms @ 2000 msg/s', 'added p99 ms', 'errors'],
        results.map((r) => [
          r.name,
          fmt.rate(r.msgPerSec),
          fmt.pct(r.msgPerSec / direct.msgPerSec),
          fmt.pct(r.msgPerSec / pipe.msgPerSec),
          r.p50.toFixed(3),
          r.p99.toFixed(3),
          (r.p99 - direct.p99).toFixed(3),
          r.errors,
        ]),
      ),
      '',
      'Closed loop: 20 logged-in clients × 8 HEARTBEAT requests in flight for 10 s; messages = requests + responses.',
      'Open loop: 1000 requests/s spread over the 20 clients for 10 s, whatever the answers do.',
      `Goals: passthrough ≥ 80 % of the plain pipe (${results[2]!.msgPerSec / pipe.msgPerSec >= 0.8 ? 'met' : 'missed'}); ` +
        `decrypt + capture ≥ 50 % of direct (${results[3]!.msgPerSec / direct.msgPerSec >= 0.5 ? 'met' : 'missed'}) and ≥ 10 000 msg/s (${results[3]!.msgPerSec >= 10_000 ? 'met' : 'missed'}); ` +
        `added p99 < 2 ms at 2000 msg/s (passthrough ${(results[2]!.p99 - direct.p99).toFixed(2)} ms, decrypt ${(results[3]!.p99 - direct.p99).toFixed(2)} ms).`,
    ].join('\n');
    return { markdown: md, data: results };
  },
};

export default bench;
