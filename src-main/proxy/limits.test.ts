/** The proxy under a flood, a slow reader and a slowloris: memory stays bounded, only that session pays. */
import { afterEach, expect, it } from 'vitest';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Proxy } from './proxy';
import { createUp2Dialect } from './dialects/up2';
import { codecPorts } from '../net/ports';
import { FrameEncoder, MessageType } from '../../src-shared/protocol';
import { waitFor } from '../../test-support/up-harness';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function rig(upstreamBehaviour: (s: Socket) => void, stallMs?: number): Promise<{ proxy: Proxy; port: number }> {
  const sockets = new Set<Socket>();
  const upstream: Server = createServer((s) => {
    sockets.add(s);
    upstreamBehaviour(s);
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  // Close order (reversed): destroy the upstream's sockets, then close it.
  cleanup.push(
    () => new Promise((r) => upstream.close(r)),
    () => {
      for (const s of sockets) s.destroy();
    },
  );
  const proxy = new Proxy({
    listen: { host: '127.0.0.1', port: 0 },
    target: { host: '127.0.0.1', port: (upstream.address() as AddressInfo).port },
    mode: 'passthrough',
    dialect: createUp2Dialect({ maxPayload: 1 << 20, ports: codecPorts, redact: true }),
    ...(stallMs ? { stallMs } : {}),
  });
  const { port } = await proxy.start();
  cleanup.push(() => proxy.close());
  return { proxy, port };
}

it('a server that stops reading makes the proxy stop reading from the client: buffers stay bounded under a flood', async () => {
  const { proxy, port } = await rig((s) => s.pause());
  const client = connect(port, '127.0.0.1');
  cleanup.push(() => client.destroy());
  await new Promise((r) => client.once('connect', r));
  const enc = new FrameEncoder({ direction: 1 });
  const body = { t: 1, pad: 'x'.repeat(4000) };
  let written = 0;
  // 40 MB offered; the client keeps what the proxy does not take.
  for (let seq = 1; written < 40 << 20; seq++) {
    const f = enc.encode({ type: MessageType.HEARTBEAT, seq, body });
    client.write(f);
    written += f.length;
  }
  await new Promise((r) => setTimeout(r, 1500));
  const session = [...proxy.sessions.values()][0]!;
  const held = session.buffered().c2s;
  expect(held).toBeLessThan(8 << 20);
  expect(client.writableLength).toBeGreaterThan(20 << 20); // the rest waits at the client
  expect(session.client.isPaused()).toBe(true);
});

it('a slowloris (half a frame, then silence) is closed after the stall limit; a healthy session is not', async () => {
  const { proxy, port } = await rig((s) => s.on('data', (d) => s.write(d)), 300);
  const slow = connect(port, '127.0.0.1');
  slow.on('error', () => {});
  await new Promise((r) => slow.once('connect', r));
  slow.write(Buffer.from('5550020500000000000100000000', 'hex')); // 14 of 18 header bytes
  const good = connect(port, '127.0.0.1');
  cleanup.push(() => good.destroy(), () => slow.destroy());
  await new Promise((r) => good.once('connect', r));
  const enc = new FrameEncoder({ direction: 1 });
  let seq = 1;
  const timer = setInterval(() => good.write(enc.encode({ type: MessageType.HEARTBEAT, seq: seq++, body: { t: seq } })), 50);
  cleanup.push(() => clearInterval(timer));
  await waitFor(() => proxy.sessionInfos().some((s) => s.closedAt !== null), 5000, 'the slowloris closed');
  const closed = proxy.sessionInfos().filter((s) => s.closedAt !== null);
  expect(closed).toHaveLength(1);
  expect(closed[0]!.closeReason).toMatch(/part of a message/);
  expect([...proxy.sessions.values()]).toHaveLength(1);
});
