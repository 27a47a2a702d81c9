/**
 * Child process of bench/proxy.bench.ts: what sits between the load and the
 * server — a plain Node TCP pipe (the floor), or our proxy in passthrough or
 * decrypt mode (optionally capturing). Answers `{ cmd: 'cpu' }` with its
 * user + system CPU time so far (µs), so the benchmark can report what each
 * message costs the relay itself, apart from what the shared cores let it do,
 * and with its garbage-collection pauses since the last ask (total and
 * longest, ms): a pause holds every message in flight through the relay.
 */
import '../child-exit';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { watchGcPauses } from '../gc-pauses';
import { startProxy } from '../../src-main/proxy/setup';
import { generateKeyPair } from '../../src-main/net/keys';
import { codecPorts } from '../../src-main/net/ports';
import { Direction, Flag, FrameSplitter, GCM_TAG_SIZE, HEADER_SIZE, makeNonce } from '../../src-shared/protocol';
import type { MessageRecord } from '../../src-shared/records';

const mode = process.env.MODE as 'pipe' | 'crypto-floor' | 'passthrough' | 'decrypt';
const target = { host: '127.0.0.1', port: Number(process.env.TARGET_PORT) };
const upstream = Buffer.from(process.env.TARGET_IDENTITY!, 'base64url');

const gcPauses = watchGcPauses();

// How late the relay's event loop ran (since the last ask): what bytes arriving at the relay wait before it reads them —
// its own work, its GC and the machine's scheduling together; the same figure for the plain pipe is the floor.
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();

/**
 * How long the proxy held each message, while watched (the open loop only:
 * a listener is per-message work the closed loop's CPU figures must not
 * include): from the record's time (taken as the proxy handles the decoded
 * message) to its publication, which comes after the bytes were written.
 */
const holds: number[] = [];
const onHold = (r: MessageRecord): void => {
  holds.push(performance.timeOrigin + performance.now() - r.time);
};
let watchHolds: ((on: boolean) => void) | null = null;

if (mode === 'pipe') {
  const server = createServer({ noDelay: true }, (c) => {
    const u = connect({ ...target, noDelay: true });
    c.pipe(u);
    u.pipe(c);
    c.on('error', () => u.destroy());
    u.on('error', () => c.destroy());
  });
  server.listen(0, '127.0.0.1', () => process.send!({ cmd: 'ready', port: (server.address() as AddressInfo).port }));
  onAsk(() => process.exit(0));
} else if (mode === 'crypto-floor') {
  // The least any re-encrypting relay does with the codec's AEAD (codecPorts.aead, as the proxy and the peers use): the
  // pipe, plus cutting the stream into frames (the protocol's FrameSplitter, as the proxy's) and, for every encrypted frame, one AES-256-GCM seal and one open of its
  // payload (a proxy opens what it receives and seals what it sends). The bytes forwarded are the ones received, so the
  // peers still talk to each other (no handshake of its own).
  const server = createServer({ noDelay: true }, (c) => {
    const u = connect({ ...target, noDelay: true });
    cryptoPipe(c, u, Direction.CLIENT_TO_SERVER);
    cryptoPipe(u, c, Direction.SERVER_TO_CLIENT);
    c.on('error', () => u.destroy());
    u.on('error', () => c.destroy());
  });
  server.listen(0, '127.0.0.1', () => process.send!({ cmd: 'ready', port: (server.address() as AddressInfo).port }));
  onAsk(() => process.exit(0));
} else {
  const dir = mkdtempSync(join(tmpdir(), 'otb-bench-cap-'));
  const identity = generateKeyPair('ed25519');
  const run = await startProxy({
    listen: { host: '127.0.0.1', port: 0 },
    target,
    dialect: 'up2',
    mode,
    identity,
    upstreamIdentity: { pinned: new Uint8Array(upstream) },
    ...(process.env.CAPTURE === '1' ? { capture: { path: join(dir, 'bench.pcapng') } } : {}),
    keepRecords: Number(process.env.KEEP_RECORDS ?? 100_000),
  });
  watchHolds = (on) => {
    if (on) run.proxy.on('record', onHold);
    else run.proxy.off('record', onHold);
  };
  // Clients pin the proxy only when it terminates the encryption; in passthrough they still see the server.
  process.send!({ cmd: 'ready', port: run.address.port, ...(mode === 'decrypt' ? { identity: Buffer.from(identity.publicRaw).toString('base64url') } : {}) });
  onAsk(() => {
    void run.close().then(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
  });
}

function cryptoPipe(from: Socket, to: Socket, direction: Direction): void {
  const { aead } = codecPorts;
  const key = randomBytes(32);
  const frames = new FrameSplitter();
  from.on('data', (chunk: Buffer) => {
    if (!to.write(chunk)) from.pause();
    frames.push(chunk);
    for (let f = frames.next(); f; f = frames.next()) {
      if (!(f.header.flags & Flag.ENCRYPTED) || f.header.length < GCM_TAG_SIZE) continue;
      const nonce = makeNonce(direction, f.header.seq);
      const aad = f.wire.subarray(0, HEADER_SIZE);
      const sealed = aead.seal(key, nonce, f.wire.subarray(HEADER_SIZE, f.wire.length - GCM_TAG_SIZE), aad);
      if (!aead.open(key, nonce, sealed, aad)) throw new Error('crypto floor: a frame sealed here did not open');
    }
  });
  to.on('drain', () => from.resume());
  from.on('end', () => to.end());
}

/**
 * HEAP_SAMPLE=<file>: a sampling heap profile of every allocation (also the
 * ones collected since), written when the relay stops — where the bytes per
 * message come from (--heap-prof keeps only what is still alive).
 */
const heapSample = process.env.HEAP_SAMPLE ? await startHeapSampling(process.env.HEAP_SAMPLE) : null;

async function startHeapSampling(file: string): Promise<() => Promise<void>> {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const s = new Session();
  s.connect();
  await s.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  return async () => {
    const { profile } = await s.post('HeapProfiler.stopSampling');
    writeFileSync(file, JSON.stringify(profile));
  };
}

function onAsk(stop: () => void): void {
  process.on('message', (m: { cmd: string }) => {
    if (m.cmd === 'stop' && heapSample) {
      void heapSample().then(stop);
      return;
    }
    if (m.cmd === 'cpu') {
      const u = process.cpuUsage();
      holds.sort((a, b) => a - b);
      const holdP99Ms = holds.length ? holds[Math.min(holds.length - 1, Math.floor(holds.length * 0.99))]! : null;
      const gc = gcPauses.take();
      process.send!({ cmd: 'cpu', us: u.user + u.system, sysUs: u.system, gcMs: gc.ms, gcMaxMs: gc.max, gcCount: gc.count, loopP99Ms: loop.percentile(99) / 1e6, loopMaxMs: loop.max / 1e6, holdP99Ms });
      loop.reset();
      holds.length = 0;
    } else if (m.cmd === 'watch' || m.cmd === 'unwatch') {
      watchHolds?.(m.cmd === 'watch');
      process.send!({ cmd: m.cmd });
    } else if (m.cmd === 'stop') stop();
  });
}
