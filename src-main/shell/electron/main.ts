/**
 * Electron's main process: one window on the same renderer as the web shell,
 * with context isolation, a sandboxed renderer and no Node integration. The
 * renderer reaches the services only through the preload's typed bridge;
 * every call is checked for its sender.
 */
import { app, BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REQUEST_CHANNELS, ServiceError } from '../../../src-shared/ipc/contract';
import { ConsoleServices, type UiConnection } from '../../console/services';
import { SERVICE_MODULES } from '../../console/modules';
import { defaultAuditPath } from '../../audit';
import { projectRoot } from '../../console/paths';

const root = projectRoot();
const rendererIndex = join(root, 'out', 'renderer', 'index.html');
const rendererUrl = process.env.ELECTRON_RENDERER_URL; // electron-vite dev server

function isTrustedSender(e: IpcMainInvokeEvent, win: BrowserWindow | null): boolean {
  const frame = e.senderFrame;
  if (!frame || !win || e.sender !== win.webContents || frame !== win.webContents.mainFrame) return false;
  const url = frame.url;
  if (rendererUrl) return url.startsWith(rendererUrl);
  return url.startsWith(pathToFileURL(rendererIndex).href);
}

const connections = new Map<number, UiConnection>();

async function createWindow(services: ConsoleServices): Promise<BrowserWindow> {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'otbridge',
    show: false,
    webPreferences: {
      preload: join(root, 'out', 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  win.once('ready-to-show', () => win.show());
  // No navigation away from the app and no new windows.
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  const conn = services.connect((channel, payload) => {
    if (!win.isDestroyed()) win.webContents.send(channel, payload);
  });
  connections.set(win.webContents.id, conn);
  win.on('closed', () => {
    conn.close();
    connections.delete(win.webContents.id);
  });
  if (rendererUrl) await win.loadURL(rendererUrl);
  else await win.loadFile(rendererIndex);
  return win;
}

async function start(): Promise<void> {
  await app.whenReady();
  const services = new ConsoleServices(
    { shell: 'electron', demo: process.argv.includes('--no-demo') ? false : { auditLog: defaultAuditPath() } },
    SERVICE_MODULES.map((m) => m()),
  );
  await services.start();
  let win: BrowserWindow | null = null;
  for (const channel of REQUEST_CHANNELS) {
    ipcMain.handle(channel, async (e, params: unknown) => {
      if (!isTrustedSender(e, win)) throw new Error(`refused ${channel}: untrusted sender`);
      try {
        const conn = connections.get(e.sender.id);
        if (!conn) throw new Error('no connection for this window');
        return { ok: true, r: await conn.handle(channel, params) };
      } catch (err) {
        const code = err instanceof ServiceError ? err.code : 'INTERNAL';
        return { ok: false, e: { code, message: (err as Error).message } };
      }
    });
  }
  win = await createWindow(services);
  app.on('window-all-closed', () => {
    void services.close().finally(() => app.quit());
  });
}

void start();
