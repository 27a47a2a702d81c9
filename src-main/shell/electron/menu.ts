/**
 * The Electron shell's native menu, as a template built by a pure function
 * from the platform, the dev flag and a sink for what the items do — so the
 * accelerators, the platform differences and the dev-only items are unit
 * tested without Electron. main.ts hands the template to Menu.buildFromTemplate.
 *
 * Accelerators are written out even for roles that have defaults: the tests
 * can then prove they are unique, and the menu reads the same on every
 * Electron version.
 */
import type { MenuItemConstructorOptions } from 'electron';
import { CONSOLE_VIEWS, VIEW_TITLES, type MenuCommand } from '../../../src-shared/ipc/shell';
import { type FileCommand } from './dialogs';

export type MenuPlatform = 'darwin' | 'win32' | 'linux' | (string & {});

/** What the menu's items do; main.ts implements it with Electron, the tests record it. */
export interface MenuSink {
  /** A command the renderer acts on (switch view, toggle theme): the `menu.command` event to our window. */
  send(command: MenuCommand): void;
  /** Shows the dialog for a file command on our window, then sends the command with the chosen path. */
  pick(command: FileCommand): void;
  /** Opens the user documentation. */
  openDocs(): void;
}

export interface MenuOptions {
  readonly platform: MenuPlatform;
  /** Development build (electron-vite dev server): adds reload and the developer tools. */
  readonly dev: boolean;
  readonly appName: string;
  readonly sink: MenuSink;
}

type Item = MenuItemConstructorOptions;

/** Menu ids the e2e spec and the tests look items up by. */
export const viewItemId = (view: string): string => `view-${view}`;

export function buildMenuTemplate(o: MenuOptions): Item[] {
  const mac = o.platform === 'darwin';
  const win = o.platform === 'win32';
  const sep: Item = { type: 'separator' };
  const file = (id: FileCommand, label: string, accelerator?: string): Item => ({ id, label, ...(accelerator ? { accelerator } : {}), click: () => o.sink.pick(id) });

  const appMenu: Item = {
    label: o.appName,
    submenu: [
      { role: 'about', label: `About ${o.appName}` },
      sep,
      { role: 'services' },
      sep,
      { role: 'hide', accelerator: 'Cmd+H' },
      { role: 'hideOthers', accelerator: 'Alt+Cmd+H' },
      { role: 'unhide' },
      sep,
      { role: 'quit', accelerator: 'Cmd+Q' },
    ],
  };

  const fileMenu: Item = {
    label: '&File',
    submenu: [
      file('open-capture', 'Open Capture…', 'CmdOrCtrl+O'),
      file('save-capture', 'Save Capture As…', 'CmdOrCtrl+Shift+S'),
      sep,
      file('open-config', 'Open Config…'),
      file('open-database', 'Open Database…'),
      // macOS quits from the app menu; Windows says Exit (Alt+F4 is the system's), Linux Quit with Ctrl+Q.
      sep,
      ...(mac ? [{ role: 'close' as const, accelerator: 'Cmd+W' }] : [win ? { role: 'quit' as const, label: 'E&xit' } : { role: 'quit' as const, label: '&Quit', accelerator: 'Ctrl+Q' }]),
    ],
  };

  const editMenu: Item = {
    label: '&Edit',
    submenu: [
      { role: 'undo', accelerator: 'CmdOrCtrl+Z' },
      { role: 'redo', accelerator: win ? 'Ctrl+Y' : 'Shift+CmdOrCtrl+Z' },
      sep,
      { role: 'cut', accelerator: 'CmdOrCtrl+X' },
      { role: 'copy', accelerator: 'CmdOrCtrl+C' },
      { role: 'paste', accelerator: 'CmdOrCtrl+V' },
      { role: 'selectAll', accelerator: 'CmdOrCtrl+A' },
    ],
  };

  // Ctrl/Cmd+1…9 for the first nine views, in the renderer's order; the tenth has no digit left (0 is the zoom reset).
  const views: Item[] = CONSOLE_VIEWS.map((view, i) => ({
    id: viewItemId(view),
    label: VIEW_TITLES[view],
    ...(i < 9 ? { accelerator: `CmdOrCtrl+${i + 1}` } : {}),
    click: () => o.sink.send({ kind: 'view', view }),
  }));

  const viewMenu: Item = {
    label: '&View',
    submenu: [
      ...views,
      sep,
      { id: 'toggle-theme', label: 'Toggle Light/Dark Theme', accelerator: 'CmdOrCtrl+Shift+L', click: () => o.sink.send({ kind: 'toggle-theme' }) },
      sep,
      { role: 'resetZoom', accelerator: 'CmdOrCtrl+0' },
      { role: 'zoomIn', accelerator: 'CmdOrCtrl+Plus' },
      // Plus needs Shift on most layouts: Ctrl/Cmd+= zooms in too, as in browsers.
      { role: 'zoomIn', accelerator: 'CmdOrCtrl+=', visible: false, acceleratorWorksWhenHidden: true },
      { role: 'zoomOut', accelerator: 'CmdOrCtrl+-' },
      sep,
      { role: 'togglefullscreen', accelerator: mac ? 'Ctrl+Cmd+F' : 'F11' },
      ...(o.dev
        ? [
            sep,
            { role: 'reload' as const, accelerator: 'CmdOrCtrl+R' },
            { role: 'forceReload' as const, accelerator: 'Shift+CmdOrCtrl+R' },
            { role: 'toggleDevTools' as const, accelerator: mac ? 'Alt+Cmd+I' : 'Ctrl+Shift+I' },
          ]
        : []),
    ],
  };

  const windowMenu: Item = {
    label: '&Window',
    role: 'windowMenu',
    submenu: [
      { role: 'minimize', accelerator: 'CmdOrCtrl+M' },
      ...(mac ? [{ role: 'zoom' as const }, sep, { role: 'front' as const }] : [{ role: 'close' as const, accelerator: 'CmdOrCtrl+W' }]),
    ],
  };

  const helpMenu: Item = {
    label: '&Help',
    role: 'help',
    submenu: [
      { id: 'docs', label: `${o.appName} Documentation`, ...(mac ? {} : { accelerator: 'F1' }), click: () => o.sink.openDocs() },
      ...(mac ? [] : [sep, { role: 'about' as const, label: `&About ${o.appName}` }]),
    ],
  };

  return [...(mac ? [appMenu] : []), fileMenu, editMenu, viewMenu, windowMenu, helpMenu];
}

/** Every item of a template, depth first (submenus included). */
export function menuItems(template: readonly Item[]): Item[] {
  const out: Item[] = [];
  const walk = (items: readonly Item[]): void => {
    for (const it of items) {
      out.push(it);
      if (Array.isArray(it.submenu)) walk(it.submenu);
    }
  };
  walk(template);
  return out;
}

const MODIFIERS: Record<string, (mac: boolean) => string> = {
  cmdorctrl: (mac) => (mac ? 'Cmd' : 'Ctrl'),
  commandorcontrol: (mac) => (mac ? 'Cmd' : 'Ctrl'),
  cmd: () => 'Cmd',
  command: () => 'Cmd',
  ctrl: () => 'Ctrl',
  control: () => 'Ctrl',
  alt: () => 'Alt',
  option: () => 'Alt',
  altgr: () => 'AltGr',
  shift: () => 'Shift',
  super: () => 'Super',
  meta: () => 'Super',
};
const ORDER = ['Cmd', 'Ctrl', 'Alt', 'AltGr', 'Shift', 'Super'];

/**
 * The keys an accelerator means on a platform, in one spelling
 * ("Shift+CmdOrCtrl+z" on Linux → "Ctrl+Shift+Z"): two items clash exactly
 * when their normalised accelerators are equal.
 */
export function normalizeAccelerator(accelerator: string, platform: MenuPlatform): string {
  const mac = platform === 'darwin';
  const parts = accelerator.split(/\+(?!$)/);
  const key = parts.pop() ?? '';
  const mods = [...new Set(parts.map((p) => MODIFIERS[p.toLowerCase()]?.(mac) ?? p))].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
  return [...mods, key.length === 1 ? key.toUpperCase() : key].join('+');
}
