import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConsoleClient } from './index';
import { createConsoleStore, type ConsoleStore } from '../store';
import { deferred, FakeBridge } from '../test-support/fake-bridge';
import { connectionOk, plan, profileInfo, progress, runInfo, auditPage } from '../test-support/admin-fixtures';
import type { ConfigPreview, MigrationRunInfo } from '../../src-shared/ipc/migrate';

let store: ConsoleStore;
let bridge: FakeBridge;
let client: ConsoleClient;

beforeEach(() => {
  store = createConsoleStore();
  bridge = new FakeBridge();
  client = new ConsoleClient(bridge, store, { schedule: (f) => f() });
  client.live.attach(bridge);
});
afterEach(() => client.dispose());

const d = () => store.getState().migrationDraft;

describe('MigrationsController: the wizard', () => {
  it('walks profile, source, target, plan, dry run and run, recording each answer in the draft', async () => {
    bridge
      .handle('migrate.profiles', () => [profileInfo()])
      .handle('migrate.testConnection', ({ endpoint, role }) => connectionOk(`${role}:${'path' in endpoint ? endpoint.path : endpoint.url}`))
      .handle('migrate.plan', () => plan())
      .handle('migrate.start', (p) => ({ runId: p.dryRun ? 'm1' : 'm2', checkpoint: '/w/c.json', rejects: '/w/r.ndjson', resumed: false, tables: [], warnings: [] }))
      .handle('migrate.status', ({ runId }) => runInfo(runId, { dryRun: runId === 'm1' }));
    await client.migrations.loadProfiles();
    expect(d().profileInfo?.name).toBe('tfs-canary');
    store.getState().reviseMigrationDraft({ source: { kind: 'sqlite', location: '/s.db' }, target: { kind: 'sqlite', location: '/t.db' } });
    await client.migrations.testConnection('source');
    await client.migrations.testConnection('target');
    expect(d().sourceTest).toMatchObject({ ok: true, label: 'source:/s.db' });
    expect(d().targetTest).toMatchObject({ ok: true, label: 'target:/t.db' });
    store.getState().reviseMigrationDraft({ batchSize: 250 });
    await client.migrations.plan();
    expect(d().plan?.rowsTotal).toBe(10);

    await client.migrations.start('dry');
    expect(d()).toMatchObject({ dryRunId: 'm1', step: 'dry-run' });
    expect(bridge.callsTo('migrate.start')[0]).toEqual({ profile: 'tfs-canary', source: { kind: 'sqlite', path: '/s.db' }, target: { kind: 'sqlite', path: '/t.db' }, type: 'full', dryRun: true, batchSize: 250 });
    await client.migrations.start('real', { resume: true });
    expect(bridge.callsTo('migrate.start')[1]).toMatchObject({ dryRun: false, resume: true });
    expect(d()).toMatchObject({ dryRunId: 'm1', runId: 'm2', step: 'run', plan: { rowsTotal: 10 } });
    expect([...store.getState().migrationRuns.keys()].sort()).toEqual(['m1', 'm2']);
  });

  it('an answer about an endpoint or a plan that changed meanwhile is dropped', async () => {
    const slow = deferred<ReturnType<typeof connectionOk>>();
    bridge.handle('migrate.testConnection', () => slow.promise);
    store.getState().reviseMigrationDraft({ source: { kind: 'sqlite', location: '/old.db' } });
    const pending = client.migrations.testConnection('source');
    store.getState().reviseMigrationDraft({ source: { kind: 'sqlite', location: '/new.db' } });
    slow.resolve(connectionOk('sqlite:/old.db'));
    await pending;
    expect(d().sourceTest).toBeNull();
  });

  it('a profile file is read by the services; its problems go back to the step', async () => {
    bridge.handle('migrate.profiles', () => [profileInfo()]).handle('migrate.profile', ({ path }) => {
      if (path.endsWith('bad.json')) throw Object.assign(new Error('key: nope is not one of its columns'), { code: 'BAD_PROFILE' });
      return profileInfo({ name: 'mine', builtin: false, path });
    });
    await client.migrations.loadProfiles();
    await client.migrations.chooseProfile('/p/mine.json');
    expect(d()).toMatchObject({ profile: '/p/mine.json', profileInfo: { name: 'mine' } });
    await expect(client.migrations.chooseProfile('/p/bad.json')).rejects.toThrow(/nope/);
    expect(d()).toMatchObject({ profile: '/p/bad.json', profileInfo: null });
    await client.migrations.chooseProfile('tfs-canary');
    expect(bridge.callsTo('migrate.profile')).toHaveLength(2);
    expect(d().profileInfo?.builtin).toBe(true);
  });

  it('events of a run not held yet fetch its status once, then update it; pause and cancel answer with the run', async () => {
    const status = deferred<MigrationRunInfo>();
    bridge.handle('migrate.status', () => status.promise);
    for (let i = 1; i <= 5; i++) bridge.emit('migrate.progress', progress('other', 'running', i * 10));
    expect(bridge.callsTo('migrate.status')).toEqual([{ runId: 'other' }]);
    status.resolve(runInfo('other', { progress: progress('other', 'running', 50) }));
    await vi.waitFor(() => expect(store.getState().migrationRuns.has('other')).toBe(true));
    bridge.emit('migrate.progress', progress('other', 'running', 60));
    bridge.emit('migrate.table', { runId: 'other', table: { source: 'players', target: 'players', status: 'done', estimate: 100, read: 100, written: 99, rejected: 1, seconds: 2 } });
    expect(store.getState().migrationRuns.get('other')).toMatchObject({ progress: { rowsDone: 60 }, tables: [{ status: 'done' }] });
    bridge.handle('migrate.pause', ({ runId }) => runInfo(runId, { state: 'paused' })).handle('migrate.cancel', ({ runId }) => runInfo(runId, { state: 'cancelling' }));
    await client.migrations.control('other', 'pause');
    expect(store.getState().migrationRuns.get('other')!.state).toBe('paused');
    await client.migrations.control('other', 'cancel');
    expect(bridge.callsTo('migrate.cancel')).toEqual([{ runId: 'other' }]);
    bridge.emit('migrate.done', { runId: 'other', state: 'cancelled', summary: null, verification: null, verificationError: null, error: null });
    expect(store.getState().migrationRuns.get('other')!.state).toBe('cancelled');
  });
});

describe('ConfigController', () => {
  const preview = (over: Partial<ConfigPreview> = {}): ConfigPreview => ({
    profile: 'tfs-canary',
    input: '/srv/config.lua',
    file: '/srv/config.lua',
    before: 'a = 1\n',
    after: 'a = 1000\n',
    diff: '…',
    hunks: [],
    changes: [{ line: 1, key: 'a', action: 'unit', detail: 's → ms' }],
    problems: [],
    notes: [],
    changed: true,
    ok: true,
    digest: 'd'.repeat(64),
    entryText: null,
    ...over,
  });

  it('applies exactly what the preview showed, with its digest, then shows the file as it now is', async () => {
    bridge
      .handle('config.profiles', () => ({ profiles: [{ name: 'tfs-canary', description: '', input: 'config.lua', writes: 'input', params: ['options'], options: [{ name: 'maxOnlineWhenMulti', description: '', default: '4' }] }], schemas: [] }))
      .handle('config.open', () => (bridge.callsTo('config.apply').length ? preview({ changed: false, changes: [] }) : preview()))
      .handle('config.apply', () => ({ file: '/srv/config.lua', backup: '/srv/config.lua.bak', changes: 1, errors: 0, warnings: 0, forced: false, audit: { seq: 3, hash: 'h' }, auditError: null }));
    await client.config.loadProfiles();
    store.getState().reviseConfigDraft({ path: '/srv/config.lua', options: { maxOnlineWhenMulti: '2' } });
    await client.config.open();
    // Edits after the preview do not change what apply writes.
    store.getState().reviseConfigDraft({ path: '/elsewhere.lua' });
    const applied = await client.config.apply(false);
    expect(applied.backup).toBe('/srv/config.lua.bak');
    expect(bridge.callsTo('config.apply')).toEqual([{ path: '/srv/config.lua', profile: 'tfs-canary', options: { maxOnlineWhenMulti: '2' }, expectDigest: 'd'.repeat(64) }]);
    expect(store.getState().configPreview?.preview.changed).toBe(false);
    expect(store.getState().configApplied?.audit?.seq).toBe(3);
    await client.config.apply(true);
    expect(bridge.callsTo('config.apply')[1]).toMatchObject({ force: true });
  });

  it('apply without a preview is refused before asking', async () => {
    await expect(client.config.apply(false)).rejects.toThrow(/open a config file first/);
    expect(bridge.callsTo('config.apply')).toEqual([]);
  });
});

describe('AuditController', () => {
  it('pages with the query, follows growth on the first page of the Audit view only, and verifies with a head', async () => {
    bridge.handle('audit.list', ({ offset }) => auditPage(offset === 0 ? 2 : 1, { offset: offset ?? 0 })).handle('audit.verify', ({ expectHead }) => ({ path: '/a', ok: true, entries: 2, head: 'h2', firstBroken: null, headMatches: expectHead ? expectHead === 'h2' : null }));
    await client.audit.load({ kind: 'migrate' });
    expect(bridge.callsTo('audit.list')).toEqual([{ offset: 0, limit: 100, order: 'newest', kind: 'migrate' }]);
    store.getState().setView('traffic');
    bridge.emit('audit.appended', { path: '/a', lines: 3 });
    expect(bridge.callsTo('audit.list')).toHaveLength(1);
    expect(store.getState().auditStale).toBe(true);
    store.getState().setView('audit');
    bridge.emit('audit.appended', { path: '/a', lines: 4 });
    await vi.waitFor(() => expect(store.getState().auditStale).toBe(false));
    expect(bridge.callsTo('audit.list')).toHaveLength(2);
    await client.audit.load({ offset: 100 });
    bridge.emit('audit.appended', { path: '/a', lines: 5 });
    expect(bridge.callsTo('audit.list')).toHaveLength(3);
    await client.audit.verify(' h2 ');
    expect(bridge.callsTo('audit.verify')).toEqual([{ expectHead: 'h2' }]);
    expect(store.getState().auditVerification?.headMatches).toBe(true);
    await client.audit.verify('');
    expect(bridge.callsTo('audit.verify')[1]).toEqual({});
  });
});
