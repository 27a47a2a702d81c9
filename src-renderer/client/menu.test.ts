/** The native menu's commands, handled in one place: what each does to the store and which requests go out. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleClient } from './index';
import { createConsoleStore, type ConsoleStore } from '../store';
import { FakeBridge } from '../test-support/fake-bridge';
import type { CaptureInfo } from '../../src-shared/ipc/contract';
import type { MigrationProfileInfo } from '../../src-shared/ipc/migrate';

let store: ConsoleStore;
let bridge: FakeBridge;
let client: ConsoleClient;

const captureInfo = (id: number, path: string): CaptureInfo => ({ id, path, name: path.split('/').pop()!, records: 1234, sessions: 2, dialects: ['up2'], start: 1, end: 2, truncated: false, warnings: [] });

beforeEach(() => {
  store = createConsoleStore({ rowCapacity: 1000 });
  bridge = new FakeBridge();
  client = new ConsoleClient(bridge, store, { schedule: () => undefined });
});
afterEach(() => client.dispose());

/** Pushes a command as main would, and waits for its requests to settle. */
async function push(command: unknown): Promise<void> {
  bridge.emit('menu.command', command as never);
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 0));
}

/** Attaches the client's listeners without the whole snapshot load. */
function listen(): void {
  bridge.on('menu.command', (c) => void client.menu.run(c));
}

describe('menu commands', () => {
  it('connect() listens to menu.command once, and dispose() stops', async () => {
    bridge.handle('app.info', () => ({ name: 'otbridge', version: '0', shell: 'electron', platform: 'linux-x64', node: '20', startedAt: 0, protocol: 'UP/2.0', capabilities: { dialogs: true } }));
    await client.connect().catch(() => undefined);
    await client.connect().catch(() => undefined);
    expect(bridge.listenerCount('menu.command')).toBe(1);
    expect(store.getState().info?.capabilities?.dialogs).toBe(true);
    client.dispose();
    expect(bridge.listenerCount('menu.command')).toBe(0);
  });

  it('switches views and the theme', async () => {
    listen();
    await push({ kind: 'view', view: 'metrics' });
    expect(store.getState().view).toBe('metrics');
    const before = store.getState().theme;
    await push({ kind: 'toggle-theme' });
    expect(store.getState().theme).not.toBe(before);
    await push({ kind: 'toggle-theme' });
    expect(store.getState().theme).toBe(before);
  });

  it('ignores malformed commands', async () => {
    listen();
    store.getState().setView('faults');
    for (const bad of [null, 'view', { kind: 'view', view: 'nowhere' }, { kind: 'open-capture' }, { kind: 'open-capture', path: '' }, { kind: 'rm -rf' }, [1]]) await push(bad);
    expect(store.getState().view).toBe('faults');
    expect(bridge.calls).toEqual([]);
    expect(store.getState().notices).toEqual([]);
  });

  it('opens a capture from the dialog in Traffic, reading it', async () => {
    listen();
    bridge
      .handle('capture.open', (p) => captureInfo(4, p.path))
      .handle('traffic.subscribe', () => ({ subscription: 1, rows: [], newestId: 0, hasOlder: false, filterError: null }))
      .handle('conflicts.list', () => []);
    await push({ kind: 'open-capture', path: '/caps/run.pcapng' });
    expect(bridge.callsTo('capture.open')).toEqual([{ path: '/caps/run.pcapng' }]);
    expect(store.getState().source).toEqual({ capture: 4 });
    expect(store.getState().view).toBe('traffic');
    expect(store.getState().notices.at(-1)?.text).toMatch(/opened run\.pcapng: 1,234 messages/);
  });

  it('says why a capture could not be opened, as a notice', async () => {
    listen();
    bridge.handle('capture.open', () => {
      throw Object.assign(new Error('not a capture: bad magic'), { code: 'BAD_CAPTURE' });
    });
    await push({ kind: 'open-capture', path: '/etc/passwd' });
    expect(store.getState().notices.at(-1)).toMatchObject({ level: 'error', text: 'could not open the capture /etc/passwd: not a capture: bad magic' });
    expect(store.getState().source).toBe('live');
  });

  it('saves the current source in the format the path names', async () => {
    listen();
    bridge.handle('capture.save', (p) => ({ path: p.path, records: 10, sessions: 1 }));
    await push({ kind: 'save-capture', path: '/tmp/out.ndjson' });
    await push({ kind: 'save-capture', path: '/tmp/out.pcapng' });
    await push({ kind: 'save-capture', path: '/tmp/out' });
    expect(bridge.callsTo('capture.save')).toEqual([
      { path: '/tmp/out.ndjson', format: 'ndjson' },
      { path: '/tmp/out.pcapng', format: 'pcapng' },
      { path: '/tmp/out', format: 'pcapng' },
    ]);
    expect(store.getState().notices.at(-1)?.text).toBe('saved 10 messages of 1 sessions to /tmp/out');
  });

  it('opens a config in Config (loading the profiles first)', async () => {
    listen();
    bridge.handle('config.profiles', () => ({ profiles: [], schemas: [] }) as never).handle('config.open', () => ({ digest: 'd' }) as never);
    await push({ kind: 'open-config', path: '/srv/tfs/config.lua' });
    expect(store.getState().view).toBe('config');
    expect(store.getState().configDraft.path).toBe('/srv/tfs/config.lua');
    expect(bridge.callsTo('config.open')).toEqual([expect.objectContaining({ path: '/srv/tfs/config.lua', profile: 'tfs-canary' })]);
    expect(store.getState().configPreview?.preview).toEqual({ digest: 'd' });
  });

  it('makes a database the migration source, opens that step and tests it', async () => {
    listen();
    const profile = { name: 'tfs-canary' } as MigrationProfileInfo;
    bridge.handle('migrate.profiles', () => [profile]).handle('migrate.testConnection', () => ({ ok: true, label: 'tfs.db', tables: ['players'], dbVersion: 29, notes: [] }) as never);
    await push({ kind: 'open-database', path: '/srv/tfs/tfs.db' });
    const d = store.getState().migrationDraft;
    expect(store.getState().view).toBe('migrations');
    expect(d.source).toEqual({ kind: 'sqlite', location: '/srv/tfs/tfs.db' });
    expect(d.step).toBe('source');
    expect(bridge.callsTo('migrate.testConnection')).toEqual([{ endpoint: { kind: 'sqlite', path: '/srv/tfs/tfs.db' }, role: 'source' }]);
    expect(d.sourceTest).toMatchObject({ ok: true, dbVersion: 29 });
  });
});

describe('dialogs', () => {
  it('asks the services for an open or save dialog, starting at the typed path', async () => {
    bridge.handle('dialog.open', () => ({ path: '/a.pcapng' })).handle('dialog.save', () => ({ path: null }));
    expect(await client.dialogs.pick('capture', 'open', '  /caps/  ')).toBe('/a.pcapng');
    expect(await client.dialogs.pick('database', 'save')).toBeNull();
    expect(bridge.calls).toEqual([
      { channel: 'dialog.open', params: { kind: 'capture', defaultPath: '/caps/' } },
      { channel: 'dialog.save', params: { kind: 'database' } },
    ]);
  });

  it('passes the services refusal on (the web shell has no dialogs)', async () => {
    bridge.handle('dialog.open', () => {
      throw Object.assign(new Error('file dialogs exist only in the Electron shell'), { code: 'UNAVAILABLE' });
    });
    await expect(client.dialogs.pick('config', 'open')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
