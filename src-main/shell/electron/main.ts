/**
 * Electron's main process: one window on the same renderer as the web shell,
 * with context isolation, a sandboxed renderer and no Node integration. The
 * renderer reaches the services only through the preload's typed bridge;
 * every call is checked for its sender. Around it: the native menu
 * (menu.ts), the remembered window state (window-state*.ts) and the file
 * dialogs (dialog-module.ts) — logic tested in Node, wired here.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, screen, shell, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REQUEST_CHANNELS, ServiceError, type EventOf } from '../../../src-shared/ipc/contract';
import { ConsoleServices, type UiConnection } from '../../console/services';
import { SERVICE_MODULES } from '../../console/modules';
import { defaultAuditPath } from '../../audit';
import { projectRoot } from '../../console/paths';
import { buildMenuTemplate } from './menu';
import { dialogModule } from './dialog-module';
import { chosenPath, FILE_COMMANDS, fileCommand, openDialogOptions, saveDialogOptions, type FileCommand } from './dialogs';
import { MIN_SIZE, placeWindow } from './window-state';
import { trackWindow, WindowStateStore } from './window-state-store';

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
/** The window of each UI connection (by its id in the services): dialogs open on the window that asked. */
const windowOfConnection = new Map<number, BrowserWindow>();
let mainWindow: BrowserWindow | null = null;

function windowOf(clientId: number): BrowserWindow {
  const win = windowOfConnection.get(clientId);
  if (!win || win.isDestroyed()) throw new Error('no window for this connection');
  return win;
}

/** A menu command goes to the app's own window only, never to another webContents. */
function sendMenuCommand(command: EventOf<'menu.command'>): void {
  if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send('menu.command', command);
}

/** File menu: the dialog on our window, then the command with the chosen path (nothing when cancelled). */
async function pickThenSend(command: FileCommand): Promise<void> {
  const win = mainWindow;
  if (!win || win.isDestroyed()) return;
  const { mode, kind } = FILE_COMMANDS[command];
  const path = chosenPath(mode === 'open' ? await dialog.showOpenDialog(win, openDialogOptions(kind)) : await dialog.showSaveDialog(win, saveDialogOptions(kind)));
  const cmd = fileCommand(command, path);
  if (cmd) sendMenuCommand(cmd);
}

function installMenu(): void {
  const template = buildMenuTemplate({
    platform: process.platform,
    dev: rendererUrl !== undefined,
    appName: app.getName(),
    sink: {
      send: sendMenuCommand,
      pick: (command) => void pickThenSend(command).catch((e: Error) => console.error(`otbridge: ${command}: ${e.message}`)),
      openDocs: () => void shell.openPath(join(root, 'docs', 'console.md')),
    },
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

async function createWindow(services: ConsoleServices, windowState: WindowStateStore): Promise<BrowserWindow> {
  const place = placeWindow(windowState.load(), screen.getAllDisplays(), screen.getPrimaryDisplay());
  if (place.reason) console.warn(`otbridge: window state not restored: ${place.reason}; using defaults`);
  const win = new BrowserWindow({
    ...place.bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
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
  if (place.maximized) win.maximize();
  if (place.fullScreen) win.setFullScreen(true);
  trackWindow(win, windowState);
  win.once('ready-to-show', () => win.show());
  // No navigation away from the app and no new windows.
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  const conn = services.connect((channel, payload) => {
    if (!win.isDestroyed()) win.webContents.send(channel, payload);
  });
  const contentsId = win.webContents.id;
  connections.set(contentsId, conn);
  windowOfConnection.set(conn.id, win);
  win.on('closed', () => {
    conn.close();
    connections.delete(contentsId);
    windowOfConnection.delete(conn.id);
    if (mainWindow === win) mainWindow = null;
  });
  mainWindow = win;
  if (rendererUrl) await win.loadURL(rendererUrl);
  else await win.loadFile(rendererIndex);
  return win;
}

async function start(): Promise<void> {
  await app.whenReady();
  const dialogs = dialogModule({
    open: (clientId, options) => dialog.showOpenDialog(windowOf(clientId), options),
    save: (clientId, options) => dialog.showSaveDialog(windowOf(clientId), options),
  });
  const services = new ConsoleServices(
    { shell: 'electron', demo: process.argv.includes('--no-demo') ? false : { auditLog: defaultAuditPath() } },
    [...SERVICE_MODULES.map((m) => m()), dialogs],
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
  installMenu();
  win = await createWindow(services, new WindowStateStore());
  app.on('window-all-closed', () => {
    void services.close().finally(() => app.quit());
  });
}

void start();
