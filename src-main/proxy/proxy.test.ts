import { afterEach, describe, expect, it } from 'vitest';
import { connect, createServer, type AddressInfo } from 'node:net';
import { startProxyRig, type ProxyRig } from '../../test-support/proxy-harness';
import { waitFor } from '../../test-support/up-harness';
import { MessageType, FrameEncoder } from '../../src-shared/protocol';
import { Proxy } from './proxy';
import { createUp2Dialect } from './dialects/up2';
import { codecPorts } from '../net/ports';
import { generateKeyPair } from '../net/keys';

let rig: ProxyRig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

describe('decrypt mode', () => {
  it('logs in through the proxy, which sees every body in clear and redacts the secrets', async () => {
    rig = await startProxyRig('decrypt');
    const c = rig.client();
    const info = await c.connect();
    expect(info.playerId).toBe('p-1');
    const hb = await c.request(MessageType.HEARTBEAT, { t: 99 });
    expect(hb.body).toEqual({ t: 99 });
    await waitFor(() => rig!.records.some((r) => r.type === 'HEARTBEAT' && r.dir === 's2c'));
    const login = rig.records.find((r) => r.type === 'AUTH_LOGIN' && r.dir === 'c2s')!;
    expect(login.body).toEqual({ account: 'demo', password: '«redacted»' });
    const loginRes = rig.records.find((r) => r.type === 'AUTH_LOGIN' && r.dir === 's2c')!;
    expect((loginRes.body as { refreshToken: string }).refreshToken).toBe('«redacted»');
    expect((loginRes.body as { accessToken: string }).accessToken).toMatch(/^[\w-]+\.[\w-]+\.«redacted»$/);
    expect(loginRes.latencyMs).toBeGreaterThan(0);
    expect(loginRes.pairId).toBe(login.id);
    const hbRes = rig.records.find((r) => r.type === 'HEARTBEAT' && r.dir === 's2c' && (r.body as { t: number }).t === 99)!;
    expect(hbRes.flags).toContain('RESPONSE');
    expect(hbRes.flags).toContain('ENCRYPTED');
    const session = rig.proxy.sessionInfos()[0]!;
    expect(session.facts).toMatchObject({ account: 'demo', playerId: 'p-1', mode: 'decrypt' });
    expect((session.facts.jwt as { sub: string }).sub).toBe('acc-1');
  });

  it('refuses to go on when the upstream identity is not the pinned one', async () => {
    rig = await startProxyRig('decrypt', { pinUpstream: generateKeyPair('ed25519').publicRaw });
    const c = rig.client({ reconnectAttempts: 0 });
    await expect(c.connect()).rejects.toThrow();
    await waitFor(() => rig!.proxy.sessionInfos().some((s) => s.closedAt !== null));
    expect(rig.proxy.sessionInfos()[0]!.closeReason).toMatch(/upstream handshake failed/);
  });

  it('a client that pins the real server (not the proxy) aborts: the proxy cannot impersonate it', async () => {
    rig = await startProxyRig('decrypt');
    const c = rig.client({ identity: { pinned: rig.server.identity.publicRaw }, reconnectAttempts: 0 });
    await expect(c.connect()).rejects.toThrow(/does not match the pinned identity/);
  });
});

describe('passthrough mode', () => {
  it('forwards the session untouched: login works with the real server identity, bodies stay encrypted', async () => {
    rig = await startProxyRig('passthrough');
    const c = rig.client();
    await c.connect();
    await c.request(MessageType.HEARTBEAT, { t: 5 });
    await waitFor(() => rig!.records.filter((r) => r.type === 'HEARTBEAT').length >= 2);
    const hs = rig.records.filter((r) => r.type === 'HANDSHAKE');
    expect(hs).toHaveLength(2);
    expect(hs[1]!.body).toMatchObject({ protocol: 'UP/2.0' });
    const login = rig.records.find((r) => r.type === 'AUTH_LOGIN' && r.dir === 'c2s')!;
    expect(login.flags).toContain('ENCRYPTED');
    expect(login.body).toBeUndefined();
    expect(rig.proxy.sessionInfos()[0]!.facts.serverIdentity).toBeDefined();
  });

  it('is byte for byte identical in both directions, including bytes that do not parse', async () => {
    const upstreamGot: Buffer[] = [];
    const upstream = createServer((s) => {
      s.on('data', (d) => {
        upstreamGot.push(d);
        s.write(d); // echo back
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const proxy = new Proxy({
      listen: { host: '127.0.0.1', port: 0 },
      target: { host: '127.0.0.1', port: (upstream.address() as AddressInfo).port },
      mode: 'passthrough',
      dialect: createUp2Dialect({ maxPayload: 1 << 20, ports: codecPorts, redact: true }),
    });
    const { port } = await proxy.start();
    const errs: string[] = [];
    proxy.on('record', (r) => r.error && errs.push(r.error));
    const enc = new FrameEncoder({ direction: 1 });
    const frames = Buffer.concat([
      enc.encode({ type: MessageType.HEARTBEAT, seq: 1, body: { t: 1 } }),
      enc.encode({ type: MessageType.PLAYER_MOVE, seq: 2, body: { direction: 'n' } }),
      Buffer.from('then garbage that is not a frame at all'),
    ]);
    const sock = connect(port, '127.0.0.1');
    const back: Buffer[] = [];
    sock.on('data', (d) => back.push(d));
    // Dribble it in odd-sized pieces.
    for (let i = 0; i < frames.length; i += 7) sock.write(frames.subarray(i, i + 7));
    await waitFor(() => Buffer.concat(back).length >= frames.length, 5000, 'the echo');
    expect(Buffer.concat(upstreamGot).toString('hex')).toBe(frames.toString('hex'));
    expect(Buffer.concat(back).equals(frames)).toBe(true);
    expect(errs.some((e) => e.startsWith('BAD_MAGIC'))).toBe(true);
    sock.destroy();
    await proxy.close();
    await new Promise((r) => upstream.close(r));
  });
});

describe('isolation', () => {
  it('a hostile client costs only its own session', async () => {
    rig = await startProxyRig('decrypt');
    const good = rig.client();
    await good.connect();
    const { port } = rig.proxy.address!;
    // garbage, a giant declared length, and a half frame that never completes
    for (const bytes of [Buffer.from('garbage garbage garbage'), Buffer.from('555002050000000000010000000000ffffff', 'hex'), Buffer.from('5550020500', 'hex')]) {
      const s = connect(port, '127.0.0.1');
      s.on('error', () => {});
      await new Promise((r) => s.once('connect', r));
      s.write(bytes);
    }
    await waitFor(() => rig!.proxy.sessionInfos().filter((s) => s.closedAt !== null).length >= 2, 5000, 'hostile sessions closed');
    const hb = await good.request(MessageType.HEARTBEAT, { t: 3 });
    expect(hb.body).toEqual({ t: 3 });
  });
});
