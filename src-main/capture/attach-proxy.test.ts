/**
 * The proxy, in decrypt mode, writing its capture: what crosses it is in
 * the capture as the proxy recorded it, the session block has the peers,
 * identity fingerprints and login facts but no secret, and tshark decodes
 * every frame as up2.
 */
import { afterEach, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startProxyRig, type ProxyRig } from '../../test-support/proxy-harness';
import { waitFor } from '../../test-support/up-harness';
import { CaptureWriter } from './writer';
import { CaptureReader } from './reader';
import { attachCapture, parseEndpoint } from './attach-proxy';

let rig: ProxyRig | null = null;
let dir = '';
afterEach(async () => {
  await rig?.close();
  rig = null;
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('captures a decrypting proxy session: records, session facts without secrets, and up2 in tshark', async () => {
  dir = await mkdtemp(join(tmpdir(), 'otb-proxy-cap-'));
  const path = join(dir, 'proxy.pcapng');
  rig = await startProxyRig('decrypt');
  const writer = await CaptureWriter.open(path, { flushIntervalMs: 5 });
  const detach = attachCapture(rig.proxy, writer);
  const c = rig.client();
  await c.connect();
  await c.request(0x05, { t: 1 });
  c.send('PLAYER_MOVE', { direction: 'n' });
  await c.request(0x12, { since: 0 }).catch(() => undefined);
  await waitFor(() => rig!.records.length >= 8, 5000, 'records at the proxy');
  c.close();
  await waitFor(() => rig!.proxy.sessions.size === 0, 5000, 'the session to close');
  detach();
  await writer.close();

  const reader = await CaptureReader.open(path);
  const got = [];
  for await (const r of reader.records()) got.push(r);
  expect(got.map((r) => [r.id, r.type, r.dir])).toEqual(rig.records.map((r) => [r.id, r.type, r.dir]));
  for (const [i, r] of got.entries()) {
    const want = rig.records[i]!;
    expect(r.summary()).toEqual({ ...stripBytes(want), time: Math.round(want.time * 1000) / 1000 });
    if (want.plain && want.type !== 'AUTH_LOGIN' && want.type !== 'AUTH_REFRESH') expect(Buffer.from(r.plain!).equals(Buffer.from(want.plain))).toBe(true);
  }
  const [session] = await reader.sessions();
  expect(session).toMatchObject({
    session: 1,
    dialect: 'up2',
    mode: 'decrypt',
    client: { address: '127.0.0.1' },
    server: { address: '127.0.0.1', port: rig.server.port },
    proxy: { port: rig.proxy.address!.port },
    identity: { server: expect.stringMatching(/\S/), presented: expect.stringMatching(/\S/) },
    account: 'demo',
    claims: expect.objectContaining({ sub: expect.anything() }),
    end: expect.any(Number),
  });
  await reader.close();
  // The proxy redacts login bodies; no token or password reaches the file.
  const raw = (await readFile(path)).toString('latin1');
  const { accessToken, refreshToken } = c.tokens;
  for (const secret of [accessToken, refreshToken, '"password":"demo"']) if (secret) expect(raw).not.toContain(secret);

  const t = spawnSync(process.env.TSHARK ?? 'tshark', ['-n', '-X', `lua_script:${resolve(import.meta.dirname, '../../tools/wireshark/up2.lua')}`, '-r', path, '-Y', 'up2', '-T', 'fields', '-e', 'up2.type_name'], {
    encoding: 'utf8',
    env: { ...process.env, WIRESHARK_CONFIG_DIR: join(dir, 'ws') },
  });
  if (t.error) throw new Error('tshark is not installed; this test needs it: apt-get install tshark');
  expect(t.stdout.trim().split('\n')).toEqual(rig.records.map((r) => r.type));
});

it('parses proxy endpoints', () => {
  expect(parseEndpoint('127.0.0.1:7180')).toEqual({ address: '127.0.0.1', port: 7180 });
  expect(parseEndpoint('[::1]:50000')).toEqual({ address: '::1', port: 50000 });
  expect(parseEndpoint('::ffff:127.0.0.1:50000')).toEqual({ address: '::ffff:127.0.0.1', port: 50000 });
  expect(parseEndpoint('nonsense')).toBeUndefined();
  expect(parseEndpoint('h:99999')).toBeUndefined();
});

function stripBytes(r: object): object {
  const { wire: _w, plain: _p, body: _b, ...rest } = r as Record<string, unknown>;
  return rest;
}
