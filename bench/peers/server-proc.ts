/**
 * Child process of bench/peers.bench.ts: the reference server, reporting its
 * counters and memory on request (IPC), so the bots' CPU is not the server's.
 */
import '../child-exit';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { watchGcPauses } from '../gc-pauses';
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
  ...(process.env.SYNC_SLICES ? { syncSlices: Number(process.env.SYNC_SLICES) } : {}),
  server: { maxSessions: bots + 10, rateLimit: { perSecond: 10_000, burst: 20_000 } },
});
const { port } = await server.listen();
// TRACE_LONG=1: how long the server's periodic work runs (a profiling aid, see long-tasks.ts).
const traceLong = process.env.TRACE_LONG ? (await import('./long-tasks')).traceLongTasks(server) : null;
// How late the server's event loop runs (each 'stats' reports since the previous one): what a request waits before it is read.
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
// The server's V8 pauses since the last 'stats' (count, total and longest ms): a pause holds every request in flight.
const gcPauses = watchGcPauses();

type Msg = { cmd: 'stats' } | { cmd: 'memory' } | { cmd: 'stop' } | { cmd: 'heapStart' } | { cmd: 'heapStop'; file: string };

/**
 * A sampling heap profile of every allocation between 'heapStart' and
 * 'heapStop' (also of objects already collected): where the server's bytes
 * per message come from (a profiling aid; the benchmark never asks).
 */
const inspector = await import('node:inspector/promises');
let heapSession: InstanceType<typeof inspector.Session> | null = null;
async function heapProfile(m: Msg): Promise<void> {
  if (m.cmd === 'heapStart') {
    heapSession = new inspector.Session();
    heapSession.connect();
    await heapSession.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  } else if (m.cmd === 'heapStop' && heapSession) {
    const { profile } = await heapSession.post('HeapProfiler.stopSampling');
    (await import('node:fs')).writeFileSync(m.file, JSON.stringify(profile));
    heapSession.disconnect();
    heapSession = null;
  }
  process.send!({ cmd: m.cmd });
}

process.on('message', (m: Msg) => {
  if (m.cmd === 'stats') {
    let framesIn = 0;
    let framesOut = 0;
    for (const s of server.server.sessions.values()) {
      framesIn += s.conn?.framesIn ?? 0;
      framesOut += s.conn?.framesOut ?? 0;
    }
    process.send!({ cmd: 'stats', framesIn: server.server.counters.framesIn, framesInLive: framesIn, framesOutLive: framesOut, sessions: server.server.attachedSessions, cpu: process.cpuUsage(), loopP99Ms: loop.percentile(99) / 1e6, loopMaxMs: loop.max / 1e6, gc: gcPauses.take(), long: traceLong?.() });
    loop.reset();
  } else if (m.cmd === 'memory') {
    gc();
    gc();
    const mem = process.memoryUsage();
    process.send!({ cmd: 'memory', heapUsed: mem.heapUsed, external: mem.external, arrayBuffers: mem.arrayBuffers, rss: mem.rss, sessions: server.server.attachedSessions });
  } else if (m.cmd === 'heapStart' || m.cmd === 'heapStop') {
    void heapProfile(m);
  } else if (m.cmd === 'stop') {
    void server.close().then(() => process.exit(0));
  }
});
process.send!({ cmd: 'ready', port, identity: Buffer.from(server.identity.publicRaw).toString('base64url') });
