/**
 * The per-message path of the proxy: a chunk's frames leave in one write (of one buffer)
 * before their records are made; records come in id order, none lost when
 * a listener closes the session, and the close event after them; what a
 * record keeps (wire copy, flag names) does not hold the TCP chunk or cost
 * an object per message.
 */
import { afterEach, expect, it } from 'vitest';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { waitFor } from '../../test-support/up-harness';
import { FrameEncoder, MessageType } from '../../src-shared/protocol';
import type { MessageRecord } from '../../src-shared/records';
import { Proxy } from './proxy';
import { createUp2Dialect } from './dialects/up2';
import { codecPorts } from '../net/ports';

let upstream: Server | null = null;
let proxy: Proxy | null = null;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await proxy?.close();
  proxy = null;
  if (upstream) await new Promise((r) => upstream!.close(r));
  upstream = null;
});

/** An upstream that swallows what it gets, a passthrough proxy in front of it, and one client socket. */
async function rig(): Promise<{ proxy: Proxy; client: Socket; received: () => number }> {
  let got = 0;
  let accepted = 0;
  upstream = createServer((s) => {
    accepted++;
    sockets.push(s);
    s.on('data', (d) => (got += d.length));
  });
  await new Promise<void>((r) => upstream!.listen(0, '127.0.0.1', r));
  proxy = new Proxy({
    listen: { host: '127.0.0.1', port: 0 },
    target: { host: '127.0.0.1', port: (upstream.address() as AddressInfo).port },
    mode: 'passthrough',
    dialect: createUp2Dialect({ maxPayload: 1 << 20, ports: codecPorts, redact: true }),
  });
  const { port } = await proxy.start();
  const client = connect(port, '127.0.0.1');
  sockets.push(client);
  await new Promise((r) => client.once('connect', r));
  // The proxy's upstream leg is connected before the test sends (bytes queued while connecting are counted differently).
  await waitFor(() => accepted === 1, 5000, 'the upstream connection');
  return { proxy, client, received: () => got };
}

/** `n` HEARTBEAT requests as one buffer (one client write). */
function heartbeats(n: number, firstSeq = 1): Buffer {
  const enc = new FrameEncoder({ direction: 1 });
  return Buffer.concat(Array.from({ length: n }, (_, i) => enc.encode({ type: MessageType.HEARTBEAT, seq: firstSeq + i, body: { t: i } })));
}

it("writes a chunk's frames upstream before publishing their records, which come in id order", async () => {
  const { proxy: p, client, received } = await rig();
  const seen: { id: number; writtenBefore: number }[] = [];
  p.on('record', (r) => {
    const s = p.sessions.get(r.session)!;
    seen.push({ id: r.id, writtenBefore: s.upstream.bytesWritten });
  });
  const chunk = heartbeats(5);
  client.write(chunk);
  await waitFor(() => seen.length === 5 && received() === chunk.length, 5000, 'five records and the bytes upstream');
  expect(seen.map((x) => x.id)).toEqual([1, 2, 3, 4, 5]);
  // Every record of the chunk was published after all of its bytes had been handed to the upstream socket.
  for (const x of seen) expect(x.writtenBefore).toBe(chunk.length);
  expect(p.records.get(5)?.type).toBe('HEARTBEAT');
});

it("hands a chunk's frames to the upstream socket as one buffer: one write per chunk read, not one per frame", async () => {
  const { proxy: p, client, received } = await rig();
  await waitFor(() => p.sessions.size === 1, 5000, 'the session');
  const s = p.sessions.get([...p.sessions.keys()][0]!)!;
  let reads = 0;
  s.client.on('data', () => reads++);
  const writes: number[] = [];
  const write = s.upstream.write.bind(s.upstream) as (b: Uint8Array) => boolean;
  (s.upstream as { write: (b: Uint8Array) => boolean }).write = (b) => {
    writes.push(b.length);
    return write(b);
  };
  const chunk = heartbeats(40);
  client.write(chunk);
  await waitFor(() => received() === chunk.length, 5000, 'the bytes upstream');
  expect(writes.length).toBe(reads);
  expect(reads).toBeLessThan(40);
  expect(writes.reduce((a, b) => a + b, 0)).toBe(chunk.length);
});

it('a fault that closes the session mid-chunk: the frames before it still leave, then the FIN', async () => {
  const { proxy: p, client, received } = await rig();
  p.faults.add({ kind: 'close', dir: 'c2s', afterFrames: 3 });
  const chunk = heartbeats(6);
  const enc = heartbeats(3);
  client.on('error', () => {});
  client.write(chunk);
  await waitFor(() => p.sessionInfos().some((i) => i.closedAt !== null), 5000, 'the close');
  await waitFor(() => received() === enc.length, 5000, 'three frames upstream');
  await new Promise((r) => setTimeout(r, 50));
  expect(received()).toBe(enc.length);
  expect(p.sessionInfos()[0]!.closeReason).toBe('closed by fault');
});

it('a record listener that closes the session loses no record, and the close event comes after them', async () => {
  const { proxy: p, client } = await rig();
  const events: string[] = [];
  p.on('record', (r) => {
    events.push(`record ${r.id}`);
    if (r.id === 2) p.sessions.get(r.session)!.close('closed by a listener', true);
  });
  p.on('sessionClose', (info) => events.push(`close ${info.closeReason}`));
  client.on('error', () => {});
  client.write(heartbeats(4));
  await waitFor(() => events.some((e) => e.startsWith('close')), 5000, 'the close event');
  expect(events).toEqual(['record 1', 'record 2', 'record 3', 'record 4', 'close closed by a listener']);
});

it('records keep a copy of their frame, not the TCP chunk it came in, and share their flag names', async () => {
  const { proxy: p, client } = await rig();
  const records: MessageRecord[] = [];
  p.on('record', (r) => records.push(r));
  const n = 600; // ~24 KiB in one write: larger than a pooled slab
  const chunk = heartbeats(n);
  client.write(chunk);
  await waitFor(() => records.length === n, 5000, `${n} records`);
  let offset = 0;
  for (const r of records) {
    const wire = r.wire!;
    expect(Buffer.from(wire).equals(chunk.subarray(offset, offset + wire.length))).toBe(true);
    offset += wire.length;
    expect(wire.buffer.byteLength).toBeLessThanOrEqual(Buffer.poolSize);
  }
  expect(offset).toBe(chunk.length);
  expect(records[0]!.flags).toEqual(['P2']);
  expect(Object.isFrozen(records[0]!.flags)).toBe(true);
  expect(records.every((r) => r.flags === records[0]!.flags)).toBe(true);
});

it('hostile input: a frame split across many writes still leaves whole and is recorded once', async () => {
  const { proxy: p, client, received } = await rig();
  const records: MessageRecord[] = [];
  p.on('record', (r) => records.push(r));
  const chunk = heartbeats(3);
  for (let i = 0; i < chunk.length; i += 3) {
    client.write(chunk.subarray(i, i + 3));
    await new Promise((r) => setImmediate(r));
  }
  await waitFor(() => records.length === 3 && received() === chunk.length, 5000, 'three records');
  expect(records.map((r) => r.seq)).toEqual([1, 2, 3]);
  expect(records.every((r) => r.error === undefined)).toBe(true);
});
