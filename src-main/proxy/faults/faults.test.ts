/** Each fault, observed at the receiving peer as configured (seeded randomness). */
import { afterEach, describe, expect, it } from 'vitest';
import { startProxyRig, type ProxyRig } from '../../../test-support/proxy-harness';
import { waitFor } from '../../../test-support/up-harness';
import { MessageType } from '../../../src-shared/protocol';
import type { RemoteError } from '../../net/errors';
import type { UpClient } from '../../net/client/client';

let rig: ProxyRig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

/** A rig whose server records every PLAYER_ACTION `n` it receives. */
async function setup(seed = 7): Promise<{ rig: ProxyRig; got: number[]; c: UpClient; errors: RemoteError[] }> {
  rig = await startProxyRig('decrypt', { seed });
  const got: number[] = [];
  rig.server.server.handle('PLAYER_ACTION', (ctx) => {
    got.push((ctx.frame.body as { args: { n: number } }).args.n);
  });
  rig.server.server.handle('PLAYER_MOVE', () => {});
  const c = rig.client({ reconnectAttempts: 0 });
  const errors: RemoteError[] = [];
  c.on('serverError', (e) => errors.push(e));
  await c.connect();
  return { rig, got, c, errors };
}

const act = (c: UpClient, n: number): void => {
  c.send('PLAYER_ACTION', { action: 'a', args: { n } });
};

describe('faults', () => {
  it('drop: matching messages never arrive; others do; the record shows it', async () => {
    const { rig, got, c } = await setup();
    rig.proxy.faults.add({ kind: 'drop', dir: 'c2s', types: ['PLAYER_ACTION'] });
    for (let i = 0; i < 5; i++) act(c, i);
    const hb = await c.request(MessageType.HEARTBEAT, { t: 1 });
    expect(hb.body).toEqual({ t: 1 });
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toEqual([]);
    expect(rig.records.filter((r) => r.type === 'PLAYER_ACTION').every((r) => r.faults?.includes('drop'))).toBe(true);
  });

  it('drop with probability: seeded, so the same messages are dropped on every run', async () => {
    const runs: number[][] = [];
    for (let run = 0; run < 2; run++) {
      const { rig: r, got, c } = await setup(42);
      r.proxy.faults.add({ kind: 'drop', dir: 'c2s', types: ['PLAYER_ACTION'], probability: 0.5 });
      for (let i = 0; i < 40; i++) act(c, i);
      await c.request(MessageType.HEARTBEAT, { t: 1 });
      await new Promise((res) => setTimeout(res, 50));
      runs.push([...got]);
      await r.close();
      rig = null;
    }
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0]!.length).toBeGreaterThan(5);
    expect(runs[0]!.length).toBeLessThan(35);
  });

  it('latency with jitter delays the direction it is set on', async () => {
    const { rig, c } = await setup();
    rig.proxy.faults.add({ kind: 'latency', dir: 's2c', latencyMs: 150, jitterMs: 20 });
    const t0 = performance.now();
    await c.request(MessageType.HEARTBEAT, { t: 1 });
    const rtt = performance.now() - t0;
    expect(rtt).toBeGreaterThanOrEqual(125);
    const rec = rig.records.find((r) => r.dir === 's2c' && r.type === 'HEARTBEAT' && r.faults)!;
    expect(rec.faults![0]).toMatch(/^latency \d+ms$/);
  });

  it('duplicate: the peer receives each message twice', async () => {
    const { rig, got, c } = await setup();
    rig.proxy.faults.add({ kind: 'duplicate', dir: 'c2s', types: ['PLAYER_ACTION'] });
    for (let i = 0; i < 3; i++) act(c, i);
    await waitFor(() => got.length === 6, 3000, 'six actions');
    expect(got).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('reorder within a window: all arrive, not in the order sent', async () => {
    const { rig, got, c } = await setup(3);
    rig.proxy.faults.add({ kind: 'reorder', dir: 'c2s', types: ['PLAYER_ACTION'], window: 8, holdMs: 200 });
    for (let i = 0; i < 16; i++) act(c, i);
    await waitFor(() => got.length === 16, 3000, 'sixteen actions');
    expect([...got].sort((a, b) => a - b)).toEqual([...Array(16).keys()]);
    expect(got).not.toEqual([...Array(16).keys()]);
    // each window of 8 is shuffled within itself
    expect([...got.slice(0, 8)].sort((a, b) => a - b)).toEqual([...Array(8).keys()]);
  });

  it('bandwidth: a large response is paced to the limit', async () => {
    const { rig, c } = await setup();
    const blob = (await import('node:crypto')).randomBytes(60_000).toString('base64'); // incompressible
    rig.server.server.handle('RESOURCE_REQUEST', (ctx) => {
      ctx.reply(MessageType.RESOURCE_RESPONSE, { name: 'b', sha256: '0'.repeat(64), size: 1, offset: 0, data: blob, done: true });
    });
    rig.proxy.faults.add({ kind: 'bandwidth', dir: 's2c', bytesPerSecond: 100_000 });
    const t0 = performance.now();
    await c.request(MessageType.RESOURCE_REQUEST, { name: 'b' });
    // ~80 kB of base64 at 100 kB/s: about 0.8 s (random bytes do not compress).
    expect(performance.now() - t0).toBeGreaterThan(600);
  });

  it('corrupt body: the server answers BAD_PAYLOAD and the session goes on', async () => {
    const { rig, c, errors } = await setup();
    rig.proxy.faults.add({ kind: 'corrupt', dir: 'c2s', types: ['PLAYER_MOVE'], target: 'body' });
    c.send('PLAYER_MOVE', { direction: 'n' });
    await waitFor(() => errors.length > 0, 3000, 'an ERROR');
    expect(errors[0]!.code).toBe('BAD_PAYLOAD');
    expect(errors[0]!.fatal).toBe(false);
    const hb = await c.request(MessageType.HEARTBEAT, { t: 2 });
    expect(hb.body).toEqual({ t: 2 });
  });

  it('corrupt wire: the server cannot trust the stream any more, says so (fatal) and closes', async () => {
    const { rig, c } = await setup();
    rig.proxy.faults.add({ kind: 'corrupt', dir: 'c2s', types: ['PLAYER_MOVE'], target: 'wire' });
    c.send('PLAYER_MOVE', { direction: 'n' });
    // If the flipped byte was in the length field, the server needs more bytes to notice.
    c.request(MessageType.HEARTBEAT, { t: 1 }).catch(() => {});
    await waitFor(() => !c.connection!.isOpen, 3000, 'close');
    const fromServer = rig.records.find((r) => r.dir === 's2c' && r.type === 'ERROR')!.body as { code: string; fatal: boolean };
    expect(fromServer.fatal).toBe(true);
    expect(['DECRYPT_FAILED', 'BAD_FLAGS', 'BAD_MAGIC', 'BAD_VERSION', 'BAD_SEQUENCE', 'FRAME_TOO_LARGE']).toContain(fromServer.code);
  });

  it('close after N frames: the session ends after the Nth matching message', async () => {
    const { rig, got, c } = await setup();
    rig.proxy.faults.add({ kind: 'close', dir: 'c2s', types: ['PLAYER_ACTION'], afterFrames: 3 });
    for (let i = 0; i < 10; i++) act(c, i);
    await waitFor(() => !c.connection!.isOpen, 3000, 'close');
    expect(got).toEqual([0, 1, 2]);
  });

  it('reset after N frames: the client sees a reset', async () => {
    const { rig, c } = await setup();
    rig.proxy.faults.add({ kind: 'reset', dir: 'c2s', afterFrames: 0 });
    const closed = new Promise<string>((r) => c.once('closed', r));
    act(c, 1);
    expect(await closed).toMatch(/ECONNRESET|reset|closed/i);
  });

  it('expire the token early: the client gets TOKEN_EXPIRED and the connection closes', async () => {
    const { rig, c, errors } = await setup();
    rig.proxy.faults.add({ kind: 'expire-token', dir: 'c2s', afterFrames: 0 });
    act(c, 1);
    await waitFor(() => errors.length > 0 && !c.connection!.isOpen, 3000, 'TOKEN_EXPIRED and close');
    expect(errors[0]!.code).toBe('TOKEN_EXPIRED');
  });

  it('faults change live: added, then removed, while traffic flows', async () => {
    const { rig, got, c } = await setup();
    act(c, 0);
    await c.request(MessageType.HEARTBEAT, { t: 0 }); // act 0 has crossed before the fault exists
    const f = rig.proxy.faults.add({ kind: 'drop', dir: 'c2s', types: ['PLAYER_ACTION'] });
    act(c, 1);
    await c.request(MessageType.HEARTBEAT, { t: 1 });
    rig.proxy.faults.update(f.id, { enabled: false });
    act(c, 2);
    rig.proxy.faults.remove(f.id);
    act(c, 3);
    await waitFor(() => got.length === 3, 3000, 'three actions');
    expect(got).toEqual([0, 2, 3]);
    expect(rig.proxy.faults.list()).toEqual([]);
  });
});
