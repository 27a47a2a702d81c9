/**
 * The Electron glue (main.ts) run under Node against a fake `electron`
 * module — Electron's binary cannot be installed here, so this is what proves
 * the wiring: the menu is installed and its commands reach only our window,
 * every contract channel is handled with the sender checked, dialogs open on
 * the calling window, the window opens where the state file says and saves
 * its state when it closes. e2e/electron.spec.ts checks the same against
 * the real Electron where its binary is present.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MenuItemConstructorOptions } from 'electron';
import { REQUEST_CHANNELS } from '../../../src-shared/ipc/contract';
import { projectRoot } from '../../console/paths';

const fake = vi.hoisted(() => {
  type Listener = (...a: unknown[]) => void;
  class Emitter {
    private readonly ls = new Map<string, Listener[]>();
    on(ev: string, l: Listener): this {
      this.ls.set(ev, [...(this.ls.get(ev) ?? []), l]);
      return this;
    }
    once(ev: string, l: Listener): this {
      return this.on(ev, l);
    }
    emit(ev: string, ...a: unknown[]): void {
      for (const l of this.ls.get(ev) ?? []) l(...a);
    }
  }
  let nextId = 1;
  class WebContents extends Emitter {
    readonly id = nextId++;
    readonly mainFrame = { url: '' };
    readonly sent: { channel: string; payload: unknown }[] = [];
    send(channel: string, payload: unknown): void {
      this.sent.push({ channel, payload });
    }
    setWindowOpenHandler(): void {}
  }
  class BrowserWindow extends Emitter {
    static readonly all: BrowserWindow[] = [];
    readonly webContents = new WebContents();
    bounds: { x: number; y: number; width: number; height: number };
    maximized = false;
    fullScreen = false;
    destroyed = false;
    constructor(readonly options: Record<string, unknown> & { x: number; y: number; width: number; height: number }) {
      super();
      this.bounds = { x: options.x, y: options.y, width: options.width, height: options.height };
      BrowserWindow.all.push(this);
    }
    async loadFile(path: string): Promise<void> {
      const { pathToFileURL: toUrl } = await import('node:url');
      this.webContents.mainFrame.url = toUrl(path).href;
    }
    async loadURL(url: string): Promise<void> {
      this.webContents.mainFrame.url = url;
    }
    maximize(): void {
      this.maximized = true;
    }
    setFullScreen(f: boolean): void {
      this.fullScreen = f;
    }
    show(): void {}
    isDestroyed = (): boolean => this.destroyed;
    getNormalBounds = () => this.bounds;
    isMaximized = (): boolean => this.maximized;
    isFullScreen = (): boolean => this.fullScreen;
    close(): void {
      this.emit('close');
      this.destroyed = true;
      this.emit('closed');
    }
  }
  const handlers = new Map<string, (e: unknown, p: unknown) => Promise<unknown>>();
  const state = { menu: null as unknown, quit: false, appListeners: new Map<string, Listener>() };
  const electron = {
    app: {
      whenReady: () => Promise.resolve(),
      getName: () => 'otbridge',
      on: (ev: string, l: Listener) => state.appListeners.set(ev, l),
      quit: () => {
        state.quit = true;
      },
    },
    BrowserWindow,
    ipcMain: { handle: (ch: string, fn: (e: unknown, p: unknown) => Promise<unknown>) => handlers.set(ch, fn) },
    Menu: { buildFromTemplate: (t: unknown) => ({ template: t }), setApplicationMenu: (m: unknown) => (state.menu = m) },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }], getPrimaryDisplay: () => ({ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }) },
    dialog: {
      showOpenDialog: async (..._a: unknown[]): Promise<{ canceled: boolean; filePaths: string[] }> => ({ canceled: true, filePaths: [] }),
      showSaveDialog: async (..._a: unknown[]): Promise<{ canceled: boolean; filePath?: string }> => ({ canceled: true }),
    },
    shell: { openPath: async (_p: string) => '' },
  };
  return { electron, handlers, state, BrowserWindow };
});

vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

let home: string;
const saved = { bounds: { x: 200, y: 100, width: 1000, height: 700 }, maximized: true, fullScreen: false };
const env = { home: process.env.OTBRIDGE_HOME, audit: process.env.OTBRIDGE_AUDIT_LOG };

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'otbridge-electron-main-'));
  process.env.OTBRIDGE_HOME = home;
  process.env.OTBRIDGE_AUDIT_LOG = join(home, 'audit.ndjson');
  writeFileSync(join(home, 'window-state.json'), JSON.stringify(saved));
  process.argv.push('--no-demo');
  await import('./main');
  for (let i = 0; i < 200 && !fake.BrowserWindow.all[0]?.webContents.mainFrame.url; i++) await new Promise((r) => setTimeout(r, 10));
});

afterAll(async () => {
  process.argv.splice(process.argv.indexOf('--no-demo'), 1);
  if (env.home === undefined) delete process.env.OTBRIDGE_HOME;
  else process.env.OTBRIDGE_HOME = env.home;
  if (env.audit === undefined) delete process.env.OTBRIDGE_AUDIT_LOG;
  else process.env.OTBRIDGE_AUDIT_LOG = env.audit;
  rmSync(home, { recursive: true, force: true });
});

const win = () => fake.BrowserWindow.all[0]!;
/** An IPC event as Electron builds it for a call from this window's main frame. */
const from = (w = win()) => ({ sender: w.webContents, senderFrame: w.webContents.mainFrame });
const menuItems = (): MenuItemConstructorOptions[] => {
  const out: MenuItemConstructorOptions[] = [];
  const walk = (items: MenuItemConstructorOptions[]): void => {
    for (const i of items) {
      out.push(i);
      if (Array.isArray(i.submenu)) walk(i.submenu);
    }
  };
  walk((fake.state.menu as { template: MenuItemConstructorOptions[] }).template);
  return out;
};
const click = (id: string): void => menuItems().find((i) => i.id === id)!.click!(undefined as never, undefined as never, undefined as never);
const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 0));
};

describe('the Electron main process (fake electron)', () => {
  it('opens the window where the state file says, sandboxed, no smaller than the minimum', () => {
    expect(fake.BrowserWindow.all).toHaveLength(1);
    const o = win().options as unknown as Record<string, unknown> & { webPreferences: Record<string, unknown> };
    expect(o).toMatchObject({ ...saved.bounds, minWidth: 640, minHeight: 400 });
    expect(win().maximized).toBe(true);
    expect(o.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(win().webContents.mainFrame.url).toBe(pathToFileURL(join(projectRoot(), 'out', 'renderer', 'index.html')).href);
  });

  it('handles every channel of the contract, and refuses a sender that is not our window', async () => {
    expect([...fake.handlers.keys()].sort()).toEqual([...REQUEST_CHANNELS].sort());
    const info = await fake.handlers.get('app.info')!(from(), undefined);
    expect(info).toMatchObject({ ok: true, r: { shell: 'electron', capabilities: { dialogs: true } } });
    const other = new fake.BrowserWindow({ x: 0, y: 0, width: 800, height: 600 });
    await other.loadURL('data:text/html,other');
    await expect(fake.handlers.get('dialog.open')!(from(other), { kind: 'capture' })).rejects.toThrow('refused dialog.open: untrusted sender');
    // Our webContents, but a frame at another address (a navigation that slipped through): refused too.
    await expect(fake.handlers.get('app.info')!({ sender: win().webContents, senderFrame: { url: 'https://evil.example/' } }, undefined)).rejects.toThrow(/untrusted sender/);
    fake.BrowserWindow.all.splice(1);
  });

  it('shows dialogs on the calling window with the kind’s filters', async () => {
    const seen: unknown[][] = [];
    fake.electron.dialog.showOpenDialog = async (...a: unknown[]) => (seen.push(a), { canceled: false, filePaths: ['/srv/tfs/tfs.db'] });
    expect(await fake.handlers.get('dialog.open')!(from(), { kind: 'database' })).toEqual({ ok: true, r: { path: '/srv/tfs/tfs.db' } });
    expect(seen[0]?.[0]).toBe(win());
    expect(seen[0]?.[1]).toMatchObject({ filters: [{ extensions: ['db', 'sqlite', 'sqlite3'] }, { extensions: ['*'] }] });
    expect(await fake.handlers.get('dialog.save')!(from(), { kind: 'nope' })).toMatchObject({ ok: false, e: { code: 'BAD_REQUEST' } });
  });

  it('installs the menu; its commands go to our window only, file commands after their dialog', async () => {
    expect(menuItems().find((i) => i.label === 'Open Capture…')?.accelerator).toBe('CmdOrCtrl+O');
    expect(menuItems().some((i) => i.role === 'toggleDevTools')).toBe(false);
    const sent = win().webContents.sent;
    sent.length = 0;
    click('view-replay');
    expect(sent).toEqual([{ channel: 'menu.command', payload: { kind: 'view', view: 'replay' } }]);
    fake.electron.dialog.showSaveDialog = async () => ({ canceled: false, filePath: '/tmp/out.ndjson' });
    click('save-capture');
    await settle();
    expect(sent.at(-1)).toEqual({ channel: 'menu.command', payload: { kind: 'save-capture', path: '/tmp/out.ndjson' } });
    fake.electron.dialog.showOpenDialog = async () => ({ canceled: true, filePaths: [] });
    click('open-config');
    await settle();
    expect(sent).toHaveLength(2);
  });

  it('saves the window state when the window closes, then quits after the services closed', async () => {
    win().bounds = { x: 300, y: 150, width: 1200, height: 800 };
    win().maximized = false;
    win().emit('move');
    win().close();
    expect(JSON.parse(readFileSync(join(home, 'window-state.json'), 'utf8'))).toEqual({ bounds: { x: 300, y: 150, width: 1200, height: 800 }, maximized: false, fullScreen: false });
    // After the close, menu commands have no window to go to: nothing is sent, nothing throws.
    const before = win().webContents.sent.length;
    click('view-traffic');
    expect(win().webContents.sent.length).toBe(before);
    fake.state.appListeners.get('window-all-closed')!();
    for (let i = 0; i < 200 && !fake.state.quit; i++) await new Promise((r) => setTimeout(r, 10));
    expect(fake.state.quit).toBe(true);
  });
});
