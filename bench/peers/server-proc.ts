/**
 * Child process of bench/peers.bench.ts: the reference server, reporting its
 * counters and memory on request (IPC), so the bots' CPU is not the server's.
 */
import '../child-exit';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ReferenceServer } from '../../src-main/peers/server';
import { DEFAULT_SCRYPT } from '../../src-main/net/auth/passwords';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const bots = Number(process.env.BOTS ?? 1000);
const server = await ReferenceServer.create({
  port: 0,
  botAccounts: bots,
  scrypt: process.env.FAST_SCRYPT ? { N: 1 << 10, r: 8, p: 1 } : DEFAULT_SCRYPT,
  world: { seed: 7 },
  server: { maxSessions: bots + 10, rateLimit: { perSecond: 10_000, burst: 20_000 } },
});
const { port } = await server.listen();
// How late the server's event loop runs (each 'stats' reports since the previous one): what a request waits before it is read.
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();

type Msg = { cmd: 'stats' } | { cmd: 'memory' } | { cmd: 'stop' };

process.on('message', (m: Msg) => {
  if (m.cmd === 'stats') {
    let framesIn = 0;
    let framesOut = 0;
    for (const s of server.server.sessions.values()) {
      framesIn += s.conn?.framesIn ?? 0;
      framesOut += s.conn?.framesOut ?? 0;
    }
    process.send!({ cmd: 'stats', framesIn: server.server.counters.framesIn, framesInLive: framesIn, framesOutLive: framesOut, sessions: server.server.attachedSessions, cpu: process.cpuUsage(), loopP99Ms: loop.percentile(99) / 1e6, loopMaxMs: loop.max / 1e6 });
    loop.reset();
  } else if (m.cmd === 'memory') {
    gc();
    gc();
    const mem = process.memoryUsage();
    process.send!({ cmd: 'memory', heapUsed: mem.heapUsed, external: mem.external, arrayBuffers: mem.arrayBuffers, rss: mem.rss, sessions: server.server.attachedSessions });
  } else if (m.cmd === 'stop') {
    void server.close().then(() => process.exit(0));
  }
});
process.send!({ cmd: 'ready', port, identity: Buffer.from(server.identity.publicRaw).toString('base64url') });
