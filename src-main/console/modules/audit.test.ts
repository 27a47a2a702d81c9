/**
 * The console's audit service through the services facade, over a real
 * hash-chained log written by AuditLog (as every otbridge writer does),
 * then damaged in the ways verify must catch.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleServices } from '../services';
import { auditModule } from './audit';
import type * as M from '../../../src-shared/ipc/migrate';
import { type EventChannel } from '../../../src-shared/ipc/contract';
import { AuditLog } from '../../audit/log';
import { waitFor } from '../../../test-support/up-harness';

let dir: string;
let path: string;
let services: ConsoleServices;
const events: { channel: EventChannel; payload: unknown }[] = [];
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otbridge-audit-console-'));
  path = join(dir, 'logs', 'audit.ndjson');
  events.length = 0;
  services = new ConsoleServices({ shell: 'cli', demo: false }, [auditModule({ auditPath: path, watchIntervalMs: 50 })]);
  await services.start();
  services.connect((channel, payload) => events.push({ channel, payload }));
});
afterEach(async () => {
  await services.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = <T>(channel: string, params?: unknown): Promise<T> => services.handle(channel, params) as Promise<T>;

async function fill(): Promise<AuditLog> {
  const log = AuditLog.open(path);
  await log.append({ kind: 'migrate.data.start', actor: 'alice', params: { profile: 'tfs-canary' }, outcome: { status: 'running' } });
  await log.append({ kind: 'migrate.data.end', actor: 'alice', params: { profile: 'tfs-canary' }, outcome: { status: 'completed' } });
  await log.append({ kind: 'migrate.config.write', params: { file: '/srv/config.lua' }, outcome: { backup: '/srv/config.lua.bak' } });
  await log.append({ kind: 'replay.run', actor: `qa-${'x'.repeat(6000)}`, params: { capture: 'a.pcapng' }, outcome: { verdict: 'matched' } });
  await log.append({ kind: 'script.execute', actor: 'bob', params: { script: 'x' }, outcome: { ok: true } });
  return log;
}

describe('audit.list', () => {
  it('an empty or missing log is an empty list and an intact chain, and is not created by reading', async () => {
    expect(await call<M.AuditPage>('audit.list')).toEqual({ path, total: 0, offset: 0, rows: [], kinds: {} });
    expect(await call<M.AuditVerification>('audit.verify', {})).toEqual({ path, ok: true, entries: 0, head: '', firstBroken: null, headMatches: null });
    expect(existsSync(path)).toBe(false);
  });

  it('pages newest first (or oldest first), by kind and its sub-kinds, with every kind counted', async () => {
    await fill();
    const all = await call<M.AuditPage>('audit.list', {});
    expect(all.total).toBe(5);
    expect(all.rows.map((r) => r.entry!.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(all.rows[0]).toMatchObject({ line: 5, problem: null, entry: { kind: 'script.execute', actor: 'bob' } });
    expect(all.kinds).toEqual({ 'migrate.data.start': 1, 'migrate.data.end': 1, 'migrate.config.write': 1, 'replay.run': 1, 'script.execute': 1 });
    const page = await call<M.AuditPage>('audit.list', { offset: 1, limit: 2 });
    expect(page.rows.map((r) => r.entry!.seq)).toEqual([4, 3]);
    const oldest = await call<M.AuditPage>('audit.list', { order: 'oldest', limit: 2 });
    expect(oldest.rows.map((r) => r.entry!.seq)).toEqual([1, 2]);
    const migrate = await call<M.AuditPage>('audit.list', { kind: 'migrate' });
    expect(migrate.rows.map((r) => r.entry!.kind)).toEqual(['migrate.config.write', 'migrate.data.end', 'migrate.data.start']);
    expect((await call<M.AuditPage>('audit.list', { kind: 'migrate.data' })).total).toBe(2);
    expect((await call<M.AuditPage>('audit.list', { kind: 'migr' })).total).toBe(0);
    // An entry whose kind comes after a long actor is still found by kind.
    expect((await call<M.AuditPage>('audit.list', { kind: 'replay' })).rows[0]!.entry!.actor).toHaveLength(6003);
  });

  it('says when the log grew, whoever wrote it', async () => {
    const log = await fill();
    await waitFor(() => events.some((e) => e.channel === 'audit.appended' && (e.payload as { lines: number }).lines === 5), 5000, 'audit.appended');
    await log.append({ kind: 'replay.run', params: {}, outcome: {} });
    await waitFor(() => events.some((e) => e.channel === 'audit.appended' && (e.payload as { lines: number }).lines === 6), 5000, 'audit.appended after another append');
    expect(events.find((e) => e.channel === 'audit.appended')!.payload).toMatchObject({ path });
  });

  it('refuses bad page requests', async () => {
    for (const bad of [{ offset: -1 }, { limit: 0 }, { limit: 501 }, { offset: 1.5 }, { kind: '' }, { kind: 7 }, { order: 'random' }]) {
      await expect(call('audit.list', bad)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
    await expect(call('audit.verify', { expectHead: 'abc' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('audit.verify and damage', () => {
  it('an intact chain; a head that matches, and one that does not', async () => {
    await fill();
    const v = await call<M.AuditVerification>('audit.verify', {});
    expect(v).toMatchObject({ ok: true, entries: 5, firstBroken: null, headMatches: null });
    expect(v.head).toMatch(/^[0-9a-f]{64}$/);
    expect(await call('audit.verify', { expectHead: v.head })).toMatchObject({ headMatches: true });
    expect(await call('audit.verify', { expectHead: 'f'.repeat(64) })).toMatchObject({ ok: true, headMatches: false });
  });

  it('an edited entry breaks the chain there; list still shows every line', async () => {
    await fill();
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[1] = lines[1]!.replace('"completed"', '"failed"');
    writeFileSync(path, lines.join('\n'));
    const v = await call<M.AuditVerification>('audit.verify');
    expect(v).toMatchObject({ ok: false, entries: 1, firstBroken: { line: 2, seq: 2, reason: expect.stringMatching(/edited/) } });
    const all = await call<M.AuditPage>('audit.list', { order: 'oldest' });
    expect(all.rows[1]!.entry!.outcome).toEqual({ status: 'failed' });
  });

  it('a torn write waits until its line ends; a garbage line is listed with what is wrong', async () => {
    await fill();
    appendFileSync(path, '{"at":"2026-01-01T00:00:00.000Z","hash":"ab');
    expect((await call<M.AuditPage>('audit.list')).total).toBe(5);
    expect(await call('audit.verify')).toMatchObject({ ok: false, firstBroken: { line: 6, reason: expect.stringMatching(/torn/) } });
    appendFileSync(path, '\nnot json at all\n\n');
    const page = await call<M.AuditPage>('audit.list', {});
    expect(page.total).toBe(8);
    expect(page.rows.slice(0, 3)).toEqual([
      { line: 8, entry: null, problem: expect.stringMatching(/not valid JSON/) },
      { line: 7, entry: null, problem: expect.stringMatching(/not valid JSON/) },
      { line: 6, entry: null, problem: expect.stringMatching(/not valid JSON/) },
    ]);
    expect((await call<M.AuditPage>('audit.list', { kind: 'replay' })).total).toBe(1);
  });

  it('a log rewritten under the console is read anew, not appended to what was indexed', async () => {
    await fill();
    expect((await call<M.AuditPage>('audit.list')).total).toBe(5);
    rmSync(path);
    const log = AuditLog.open(path);
    for (let i = 0; i < 7; i++) await log.append({ kind: `k${i}`, params: {}, outcome: {} });
    const page = await call<M.AuditPage>('audit.list', { order: 'oldest' });
    expect(page.total).toBe(7);
    expect(page.rows.map((r) => r.entry!.kind)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6']);
    expect(Object.keys(page.kinds)).toHaveLength(7);
  });
});
