/** docs/captures.md stays true: its example runs, and its field table names exactly the dissector's fields. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otb-docs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('docs/examples/capture-api.ts runs and does what the docs say', () => {
  const path = join(dir, 'example.pcapng');
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'docs/examples/capture-api.ts'), path], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/written +\{ records: 3, sessionBlocks: 3/);
  expect(r.stdout).toMatch(/redacted: \[ 'password' \]/);
  expect(r.stdout).not.toMatch(/never written/);
  expect(r.stdout).toMatch(/get\(2\) +HEARTBEAT \{ t: 1700000000000 \} 2\.5 ms after #1/);
  expect(r.stdout).toMatch(/^requests 2$/m);
  expect(r.stdout).toMatch(/^\{"kind":"capture","format":"otbridge-capture"/m);
});

it('the field table of docs/captures.md names every field of up2.lua, and no other', async () => {
  const lua = await readFile(join(ROOT, 'tools/wireshark/up2.lua'), 'utf8');
  const doc = await readFile(join(ROOT, 'docs/captures.md'), 'utf8');
  const defined = new Set([...lua.matchAll(/ProtoField\.\w+\("((?:up2|otbridge)\.[a-z_.]+)"/g)].map((m) => m[1]!));
  const table = doc.slice(doc.indexOf('| field | what |'), doc.indexOf('Wireshark 4.0 lists pcapng custom blocks'));
  const documented = new Set([...table.matchAll(/`((?:up2|otbridge)\.[a-z_.]+)`/g)].map((m) => m[1]!));
  expect([...defined].filter((f) => !documented.has(f))).toEqual([]);
  expect([...documented].filter((f) => !defined.has(f))).toEqual([]);
});

it('docs/examples/session-index.ts opens a capture session by session: built, then loaded', () => {
  const path = join(dir, 'sessions.pcapng');
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'docs/examples/session-index.ts'), path], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^index +built 8 messages$/m);
  expect(r.stdout).toMatch(/^session 1: 4 messages, 4 from the client, 1 login$/m);
  expect(r.stdout).toMatch(/^metas +\[ 'bot1', 'bot2' \]$/m);
  expect(r.stdout).toMatch(/^session 2 #2 AUTH_LOGIN, #4 PLAYER_MOVE, #6 PLAYER_MOVE, #8 PLAYER_MOVE$/m);
  expect(r.stdout).toMatch(/^index +loaded \[\]$/m);
});
