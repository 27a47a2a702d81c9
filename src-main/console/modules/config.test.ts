/**
 * The console's config service through the services facade: real Lua
 * config files in a temp folder, previews, writes with backups, the audit
 * log, and files that are not what they should be.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleServices } from '../services';
import { configModule } from './config';
import type * as M from '../../../src-shared/ipc/migrate';
import { AuditLog } from '../../audit/log';
import { BAD_CANARY_CONFIG, TFS_CONFIG } from '../../../test-support/migrate-config-fixtures';

let dir: string;
let services: ConsoleServices;
let auditPath: string;
let n = 0;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otbridge-config-console-'));
  auditPath = join(dir, 'audit.ndjson');
  services = new ConsoleServices({ shell: 'cli', demo: false }, [configModule({ auditPath })]);
  await services.start();
});
afterAll(async () => {
  await services.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = <T>(channel: string, params?: unknown): Promise<T> => services.handle(channel, params) as Promise<T>;
/** A fresh file with these contents. */
const file = (text: string | Buffer, name = 'config.lua'): string => {
  const sub = join(dir, `case-${++n}`);
  mkdirSync(sub);
  const path = join(sub, name);
  writeFileSync(path, text);
  return path;
};
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('config.profiles', () => {
  it('lists the three profiles, what each reads and writes, and the validation schemas', async () => {
    const r = await call<M.ConfigProfilesResult>('config.profiles');
    expect(r.profiles.map((p) => [p.name, p.writes])).toEqual([
      ['tfs-canary', 'input'],
      ['canary-otclient', 'otclientInit'],
      ['otclient-canary', 'canaryConfig'],
    ]);
    expect(r.profiles[0]!.options).toEqual([expect.objectContaining({ name: 'maxOnlineWhenMulti', default: '4' })]);
    expect(r.schemas.map((s) => s.name)).toEqual(['canary', 'tfs']);
  });
});

describe('TFS → Canary config', () => {
  it('open shows both texts, the diff with line numbers on both sides, the changes and problems; nothing is written', async () => {
    const path = file(TFS_CONFIG);
    const before = readFileSync(path);
    const p = await call<M.ConfigPreview>('config.open', { path, profile: 'tfs-canary' });
    expect(p).toMatchObject({ profile: 'tfs-canary', input: path, file: path, before: TFS_CONFIG, changed: true, ok: true, digest: sha(before), entryText: null });
    expect(p.after).toMatch(/^serverMotd = "Witaj na serwerze — żółć!"$/m);
    expect(p.after).toMatch(/timeToDecreaseFrags = 24 \* 60 \* 60 \* 1000/);
    expect(p.diff).toMatch(/^-motd = /m);
    expect(p.changes.find((c) => c.key === 'motd')).toMatchObject({ action: 'renamed', line: 20 });
    expect(p.changes.some((c) => c.action === 'added' && c.line === 0)).toBe(true);
    // Every hunk line sits where it says, in the original and in the migrated text.
    const oldLines = p.before.split('\n');
    const newLines = p.after.split('\n');
    expect(p.hunks.length).toBeGreaterThan(1);
    for (const h of p.hunks)
      for (const l of h.lines) {
        if (l.old !== null) expect(oldLines[l.old - 1]).toBe(l.text);
        if (l.new !== null) expect(newLines[l.new - 1]).toBe(l.text);
      }
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(existsSync(`${path}.bak`)).toBe(false);
  });

  it('apply writes what was shown, keeps the original as .bak, audits it; a migrated file is not migrated twice', async () => {
    const path = file(TFS_CONFIG);
    chmodSync(path, 0o640);
    const original = readFileSync(path);
    const p = await call<M.ConfigPreview>('config.open', { path, profile: 'tfs-canary', options: { maxOnlineWhenMulti: '3' } });
    expect(p.after).toMatch(/maxPlayersOnlinePerAccount = 3/);
    const applied = await call<M.ConfigApplied>('config.apply', { path, profile: 'tfs-canary', options: { maxOnlineWhenMulti: '3' }, expectDigest: p.digest });
    expect(applied).toMatchObject({ file: path, backup: `${path}.bak`, changes: p.changes.length, errors: 0, forced: false, auditError: null });
    expect(readFileSync(path, 'utf8')).toBe(p.after);
    expect(readFileSync(`${path}.bak`).equals(original)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o640);
    const [entry] = await AuditLog.open(auditPath).read({ kind: 'migrate.config.write', limit: 1 });
    expect(entry).toMatchObject({ seq: applied.audit!.seq, hash: applied.audit!.hash, params: { file: path, profile: 'tfs-canary', options: { maxOnlineWhenMulti: '3' }, via: 'console', forced: false }, outcome: { backup: `${path}.bak` } });
    expect((await AuditLog.open(auditPath).verify()).ok).toBe(true);

    const again = await call<M.ConfigPreview>('config.open', { path, profile: 'tfs-canary' });
    expect(again).toMatchObject({ changed: false, ok: false, diff: '', hunks: [] });
    expect(again.problems[0]!.message).toMatch(/already migrated/);
    await expect(call('config.apply', { path, profile: 'tfs-canary' })).rejects.toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringMatching(/already migrated/) });
    await expect(call('config.apply', { path, profile: 'tfs-canary', force: true })).rejects.toMatchObject({ code: 'NOTHING_TO_CHANGE' });
  });

  it('never writes over an older backup', async () => {
    const path = file(TFS_CONFIG);
    await call('config.apply', { path, profile: 'tfs-canary' });
    const firstBackup = readFileSync(`${path}.bak`);
    writeFileSync(path, TFS_CONFIG.replace('serverName = "Example"', 'serverName = "Second"'));
    const second = await call<M.ConfigApplied>('config.apply', { path, profile: 'tfs-canary' });
    expect(second.backup).toBe(`${path}.bak.1`);
    expect(readFileSync(`${path}.bak`).equals(firstBackup)).toBe(true);
    expect(readFileSync(`${path}.bak.1`, 'utf8')).toMatch(/serverName = "Second"/);
  });

  it('refuses a result with errors unless forced, and a file changed since it was shown', async () => {
    const path = file(TFS_CONFIG.replace('worldType = "pvp"', 'worldType = "pvpx"'));
    const p = await call<M.ConfigPreview>('config.open', { path, profile: 'tfs-canary' });
    expect(p.ok).toBe(false);
    const problem = p.problems.find((x) => x.severity === 'error')!;
    expect(problem).toMatchObject({ key: 'worldType', line: p.after.split('\n').findIndex((l) => l.startsWith('worldType')) + 1 });
    await expect(call('config.apply', { path, profile: 'tfs-canary' })).rejects.toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringMatching(/worldType.*force/) });
    expect(readFileSync(path, 'utf8')).toMatch(/^motd = /m);
    expect(existsSync(`${path}.bak`)).toBe(false);

    writeFileSync(path, `${readFileSync(path, 'utf8')}-- edited meanwhile\n`);
    await expect(call('config.apply', { path, profile: 'tfs-canary', force: true, expectDigest: p.digest })).rejects.toMatchObject({ code: 'CHANGED_ON_DISK' });
    const forced = await call<M.ConfigApplied>('config.apply', { path, profile: 'tfs-canary', force: true });
    expect(forced).toMatchObject({ forced: true, errors: 1 });
    const [entry] = await AuditLog.open(auditPath).read({ kind: 'migrate.config.write', limit: 1 });
    expect(entry).toMatchObject({ params: { file: path, forced: true }, outcome: { errors: 1 } });
  });

  it('keeps bytes that are not UTF-8 exactly as they were', async () => {
    const latin = Buffer.concat([Buffer.from('-- caf'), Buffer.from([0xe9]), Buffer.from(' (Latin-1)\nmotd = "hi"\nserverName = "x"\n')]);
    const path = file(latin);
    await call('config.apply', { path, profile: 'tfs-canary' });
    const out = readFileSync(path);
    expect(out.subarray(0, latin.indexOf('\n') + 1).equals(latin.subarray(0, latin.indexOf('\n') + 1))).toBe(true);
    expect(out.toString('latin1')).toMatch(/^serverMotd = "hi"$/m);
  });
});

describe('files that are not what they should be', () => {
  it('a Lua syntax error is a problem on its line, not a failure; garbage and deep nesting too', async () => {
    const path = file('serverName = "x"\nmaxPlayers = = 3\n');
    const p = await call<M.ConfigPreview>('config.open', { path, profile: 'tfs-canary' });
    expect(p).toMatchObject({ changed: false, ok: false, diff: '' });
    expect(p.problems).toEqual([expect.objectContaining({ line: 2, severity: 'error', message: expect.stringMatching(/Lua syntax error/) })]);
    await expect(call('config.apply', { path, profile: 'tfs-canary', force: true })).rejects.toMatchObject({ code: 'NOTHING_TO_CHANGE' });
    await expect(call('config.apply', { path, profile: 'tfs-canary' })).rejects.toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringMatching(/line 2/) });

    const garbage = file(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    expect((await call<M.ConfigPreview>('config.open', { path: garbage, profile: 'tfs-canary' })).ok).toBe(false);
    const deep = file(`x = ${'('.repeat(200_000)}1${')'.repeat(200_000)}\n`);
    const d = await call<M.ConfigPreview>('config.open', { path: deep, profile: 'tfs-canary' });
    expect(d.ok).toBe(false);
    expect(d.problems[0]!.severity).toBe('error');
    const v = await call<M.ConfigValidation>('config.validate', { path: deep, schema: 'canary' });
    expect(v.ok).toBe(false);
  });

  it('paths: relative, missing, a folder, too large; unknown profiles, options and parameters', async () => {
    const open = (p: object) => call('config.open', { profile: 'tfs-canary', ...p });
    await expect(open({ path: 'config.lua' })).rejects.toMatchObject({ code: 'BAD_PATH', message: expect.stringMatching(/relative/) });
    await expect(open({ path: join(dir, 'nope.lua') })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(open({ path: dir })).rejects.toMatchObject({ code: 'BAD_PATH', message: expect.stringMatching(/folder/) });
    await expect(open({})).rejects.toMatchObject({ code: 'BAD_PATH' });
    const big = file(Buffer.alloc((4 << 20) + 1, 0x20));
    await expect(open({ path: big })).rejects.toMatchObject({ code: 'TOO_LARGE' });
    const path = file(TFS_CONFIG);
    await expect(open({ path, profile: 'tfs-otx' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(open({ path, options: { nope: '1' } })).rejects.toMatchObject({ code: 'BAD_OPTION' });
    await expect(open({ path, options: { maxOnlineWhenMulti: 'lots' } })).rejects.toMatchObject({ code: 'BAD_OPTION' });
    await expect(open({ path, options: { maxOnlineWhenMulti: 3 } })).rejects.toMatchObject({ code: 'BAD_OPTION' });
    await expect(open({ path, otclientInit: path })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/not used by tfs-canary/) });
    await expect(call('config.open', null)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(call('config.apply', { path, profile: 'tfs-canary', expectDigest: 'abc' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(call('config.apply', { path, profile: 'tfs-canary', force: 'yes' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(call('config.validate', { path, schema: 'otx' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('OTClient ↔ Canary', () => {
  const canary = 'ip = "play.example.org"\nloginProtocolPort = 7171\nserverName = "Example"\n';
  const init = '-- my client\nServers_init = {\n    ["old.example.org"] = { port = 7171, protocol = 1098 },\n}\n';

  it('canary-otclient shows the entry to paste, or puts it into init.lua with a backup', async () => {
    const cfg = file(canary);
    const shown = await call<M.ConfigPreview>('config.open', { path: cfg, profile: 'canary-otclient', clientVersion: 1098 });
    expect(shown).toMatchObject({ file: null, changed: false, digest: null, ok: true });
    expect(shown.entryText).toMatch(/\["play\.example\.org"\] = \{[\s\S]*port = 7171[\s\S]*protocol = 1098/);
    await expect(call('config.apply', { path: cfg, profile: 'canary-otclient', clientVersion: 1098 })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/otclientInit/) });

    const initPath = file(init, 'init.lua');
    const p = await call<M.ConfigPreview>('config.open', { path: cfg, profile: 'canary-otclient', clientVersion: 1098, otclientInit: initPath });
    expect(p).toMatchObject({ file: initPath, changed: true, changes: [{ key: 'Servers_init["play.example.org"]', action: 'added' }] });
    expect(p.diff).toMatch(/^\+.*play\.example\.org/m);
    const applied = await call<M.ConfigApplied>('config.apply', { path: cfg, profile: 'canary-otclient', clientVersion: 1098, otclientInit: initPath, expectDigest: p.digest });
    expect(applied.backup).toBe(`${initPath}.bak`);
    expect(readFileSync(initPath, 'utf8')).toMatch(/old\.example\.org[\s\S]*play\.example\.org/);
    const http = await call<M.ConfigPreview>('config.open', { path: cfg, profile: 'canary-otclient' });
    expect(http.notes.join(' ')).toMatch(/logs in over HTTP/);
    await expect(call('config.open', { path: cfg, profile: 'canary-otclient', loginUrl: 'ftp://x' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(call('config.open', { path: cfg, profile: 'canary-otclient', clientVersion: 99 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('otclient-canary sets Canary\'s ip and port from an entry, validated', async () => {
    const initPath = file(init, 'init.lua');
    const cfg = file(canary);
    const p = await call<M.ConfigPreview>('config.open', { path: initPath, profile: 'otclient-canary', canaryConfig: cfg });
    expect(p).toMatchObject({ file: cfg, changed: true, ok: true });
    expect(p.after).toMatch(/^ip = "old\.example\.org"$/m);
    expect(p.changes[0]).toMatchObject({ key: 'ip', action: 'changed' });
    await expect(call('config.open', { path: initPath, profile: 'otclient-canary' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/canaryConfig/) });
    await expect(call('config.open', { path: initPath, profile: 'otclient-canary', canaryConfig: cfg, server: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/it has: old\.example\.org/) });
    await expect(call('config.open', { path: cfg, profile: 'otclient-canary', canaryConfig: cfg })).rejects.toMatchObject({ code: 'BAD_PATH' });
  });
});

describe('config.validate', () => {
  it('lists every problem with its line', async () => {
    const path = file(BAD_CANARY_CONFIG);
    const v = await call<M.ConfigValidation>('config.validate', { path, schema: 'canary' });
    expect(v).toMatchObject({ file: path, ok: false });
    expect(v.problems.find((x) => x.key === 'worldType')).toMatchObject({ line: 2, severity: 'error' });
    expect(v.problems.find((x) => x.key === 'nonsenseKey')).toMatchObject({ line: 8, severity: 'warning' });
    const fine = await call<M.ConfigValidation>('config.validate', { path: file(TFS_CONFIG), schema: 'tfs' });
    expect(fine.problems.filter((x) => x.severity === 'error')).toEqual([]);
  });
});
