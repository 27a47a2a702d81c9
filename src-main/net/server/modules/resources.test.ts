import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, symlinkSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { startTestServer, waitFor, type TestServer } from '../../../../test-support/up-harness';
import { ResourceStore, attachResources } from './resources';
import { MessageType } from '../../../../src-shared/protocol';

let t: TestServer | null = null;
let dir = '';
let outside = '';
let detach: (() => void) | null = null;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otb-res-'));
  outside = mkdtempSync(join(tmpdir(), 'otb-secret-'));
  writeFileSync(join(outside, 'secret.txt'), 'top secret');
  mkdirSync(join(dir, 'sprites'));
  writeFileSync(join(dir, 'sprites', 'big.bin'), randomBytes(300_000));
  writeFileSync(join(dir, 'motd.txt'), 'welcome');
  symlinkSync(join(outside, 'secret.txt'), join(dir, 'link-out.txt'));
  symlinkSync(join(dir, 'motd.txt'), join(dir, 'link-in.txt'));
  t = await startTestServer();
  detach = attachResources(t.server, new ResourceStore(dir, { chunkSize: 64 * 1024 }));
});

afterEach(async () => {
  detach?.();
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('resources', () => {
  it('serves a file in chunks and the client verifies the assembled hash', async () => {
    const c = t!.client();
    await c.connect();
    const r = await c.fetchResource('sprites/big.bin');
    expect(r.size).toBe(300_000);
    expect(r.chunks).toBe(5);
    expect(r.sha256).toBe(createHash('sha256').update(r.data!).digest('hex'));
  });

  it('answers ifNoneMatch with notModified', async () => {
    const c = t!.client();
    await c.connect();
    const first = await c.fetchResource('motd.txt');
    const again = await c.fetchResource('motd.txt', { ifNoneMatch: first.sha256 });
    expect(again.data).toBeNull();
  });

  it.each(['../' + 'x', 'sprites/../../etc/passwd', '/etc/passwd', 'link-out.txt', 'sprites', 'nope.txt', 'a\0b', 'sprites//big.bin', './motd.txt', 'sprites\\big.bin'])(
    'refuses %j with NOT_FOUND',
    async (name) => {
      const c = t!.client();
      await c.connect();
      await expect(c.request(MessageType.RESOURCE_REQUEST, { name })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    },
  );

  it('serves a link that stays inside the folder', async () => {
    const c = t!.client();
    await c.connect();
    const r = await c.fetchResource('link-in.txt');
    expect(Buffer.from(r.data!).toString()).toBe('welcome');
  });

  it('pushes RESOURCE_UPDATE to every session when a file changes', async () => {
    const a = t!.client();
    const b = t!.client({ credentials: { account: 'bot1', password: 'bot1' } });
    await a.connect();
    await b.connect();
    const seen: unknown[] = [];
    a.on('push', (f) => f.header.type === MessageType.RESOURCE_UPDATE && seen.push(f.body));
    b.on('push', (f) => f.header.type === MessageType.RESOURCE_UPDATE && seen.push(f.body));
    await new Promise((r) => setTimeout(r, 100));
    writeFileSync(join(dir, 'motd.txt'), 'welcome back');
    await waitFor(() => seen.length >= 2, 5000, 'two RESOURCE_UPDATE pushes');
    const sha = createHash('sha256').update('welcome back').digest('hex');
    expect(seen).toContainEqual({ name: 'motd.txt', sha256: sha, size: 12 });
  });

  it('an offset past the end is a BAD_PAYLOAD answer, not a crash', async () => {
    const c = t!.client();
    await c.connect();
    await expect(c.request(MessageType.RESOURCE_REQUEST, { name: 'motd.txt', offset: 1000 })).rejects.toMatchObject({ code: 'BAD_PAYLOAD' });
    const ok = await c.fetchResource('motd.txt');
    expect(ok.size).toBe(7);
  });
});
