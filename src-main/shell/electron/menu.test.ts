import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { CONSOLE_VIEWS, isMenuCommand, type MenuCommand } from '../../../src-shared/ipc/shell';
import { buildMenuTemplate, menuItems, normalizeAccelerator, viewItemId, type MenuPlatform } from './menu';
import { FILE_COMMANDS, fileCommand, type FileCommand } from './dialogs';

const PLATFORMS: MenuPlatform[] = ['darwin', 'win32', 'linux'];

function build(platform: MenuPlatform, dev = false) {
  const sent: MenuCommand[] = [];
  const picked: FileCommand[] = [];
  let docs = 0;
  const template = buildMenuTemplate({ platform, dev, appName: 'otbridge', sink: { send: (c) => sent.push(c), pick: (c) => picked.push(c), openDocs: () => docs++ } });
  return { template, items: menuItems(template), sent, picked, docs: () => docs };
}

const click = (it: MenuItemConstructorOptions): void => it.click?.(undefined as never, undefined as never, undefined as never);
const accel = (items: MenuItemConstructorOptions[], platform: MenuPlatform) =>
  items.filter((i) => i.accelerator).map((i) => normalizeAccelerator(String(i.accelerator), platform));
const byRole = (items: MenuItemConstructorOptions[], role: string) => items.filter((i) => i.role === role);
const byLabel = (items: MenuItemConstructorOptions[], label: string) => items.find((i) => i.label === label);

describe('menu template', () => {
  for (const platform of PLATFORMS) {
    for (const dev of [false, true]) {
      it(`has no two items on the same keys (${platform}${dev ? ', dev' : ''})`, () => {
        const keys = accel(build(platform, dev).items, platform);
        const dupes = keys.filter((k, i) => keys.indexOf(k) !== i);
        expect(dupes).toEqual([]);
        expect(keys.length).toBeGreaterThan(15);
      });
    }

    it(`has the usual editing, file and zoom shortcuts (${platform})`, () => {
      const { items } = build(platform);
      const mod = platform === 'darwin' ? 'Cmd' : 'Ctrl';
      const keysOf = (role: string) => byRole(items, role).map((i) => normalizeAccelerator(String(i.accelerator), platform));
      expect(keysOf('undo')).toEqual([`${mod}+Z`]);
      expect(keysOf('redo')).toEqual([platform === 'win32' ? 'Ctrl+Y' : `${mod}+Shift+Z`]);
      expect(keysOf('cut')).toEqual([`${mod}+X`]);
      expect(keysOf('copy')).toEqual([`${mod}+C`]);
      expect(keysOf('paste')).toEqual([`${mod}+V`]);
      expect(keysOf('selectAll')).toEqual([`${mod}+A`]);
      expect(keysOf('resetZoom')).toEqual([`${mod}+0`]);
      expect(keysOf('zoomIn')).toEqual([`${mod}+Plus`, `${mod}+=`]);
      expect(keysOf('zoomOut')).toEqual([`${mod}+-`]);
      expect(keysOf('togglefullscreen')).toEqual([platform === 'darwin' ? 'Cmd+Ctrl+F' : 'F11']);
      expect(normalizeAccelerator(String(byLabel(items, 'Open Capture…')?.accelerator), platform)).toBe(`${mod}+O`);
      expect(normalizeAccelerator(String(byLabel(items, 'Save Capture As…')?.accelerator), platform)).toBe(`${mod}+Shift+S`);
      expect(byLabel(items, 'Open Config…')).toBeDefined();
      expect(byLabel(items, 'Open Database…')).toBeDefined();
      expect(byRole(items, 'quit')).toHaveLength(1);
      expect(byRole(items, 'about')).toHaveLength(1);
    });

    it(`lists every view in the renderer's order with Ctrl/Cmd+1…9 (${platform})`, () => {
      const { items } = build(platform);
      const views = items.filter((i) => i.id?.startsWith('view-'));
      expect(views.map((v) => v.id)).toEqual(CONSOLE_VIEWS.map(viewItemId));
      const mod = platform === 'darwin' ? 'Cmd' : 'Ctrl';
      expect(views.slice(0, 9).map((v) => normalizeAccelerator(String(v.accelerator), platform))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => `${mod}+${n}`));
      expect(views[9]?.accelerator).toBeUndefined();
    });

    it(`keeps reload and the developer tools out of production (${platform})`, () => {
      for (const role of ['reload', 'forceReload', 'toggleDevTools']) {
        expect(byRole(build(platform, false).items, role)).toHaveLength(0);
        expect(byRole(build(platform, true).items, role)).toHaveLength(1);
      }
    });
  }

  it('puts the app menu first on macOS only, and Quit in File elsewhere', () => {
    expect(build('darwin').template[0]?.label).toBe('otbridge');
    expect(build('darwin').template.map((m) => m.label)).toEqual(['otbridge', '&File', '&Edit', '&View', '&Window', '&Help']);
    expect(build('linux').template.map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Window', '&Help']);
    const fileLinux = build('linux').template[0]!.submenu as MenuItemConstructorOptions[];
    expect(fileLinux.some((i) => i.role === 'quit' && i.accelerator === 'Ctrl+Q')).toBe(true);
    const fileWin = build('win32').template[0]!.submenu as MenuItemConstructorOptions[];
    expect(fileWin.some((i) => i.role === 'quit' && i.label === 'E&xit')).toBe(true);
    const fileMac = build('darwin').template[1]!.submenu as MenuItemConstructorOptions[];
    expect(fileMac.some((i) => i.role === 'quit')).toBe(false);
  });

  it('sends every renderer command as a valid menu.command payload, and file commands through a dialog', () => {
    for (const platform of PLATFORMS) {
      const b = build(platform, true);
      for (const it of b.items) click(it);
      expect(b.sent.length).toBe(CONSOLE_VIEWS.length + 1);
      for (const c of b.sent) expect(isMenuCommand(c)).toBe(true);
      expect(b.sent.filter((c) => c.kind === 'view').map((c) => (c.kind === 'view' ? c.view : ''))).toEqual([...CONSOLE_VIEWS]);
      expect(b.sent.some((c) => c.kind === 'toggle-theme')).toBe(true);
      expect(new Set(b.picked)).toEqual(new Set(Object.keys(FILE_COMMANDS)));
      // What each file command becomes once its dialog returned a path is a valid payload too.
      for (const fc of b.picked) expect(isMenuCommand(fileCommand(fc, '/srv/canary/x'))).toBe(true);
      expect(b.docs()).toBe(1);
    }
  });
});

describe('normalizeAccelerator', () => {
  it('spells the same keys the same way', () => {
    expect(normalizeAccelerator('Shift+CmdOrCtrl+z', 'linux')).toBe('Ctrl+Shift+Z');
    expect(normalizeAccelerator('CommandOrControl+Shift+Z', 'linux')).toBe('Ctrl+Shift+Z');
    expect(normalizeAccelerator('CmdOrCtrl+Z', 'darwin')).toBe('Cmd+Z');
    expect(normalizeAccelerator('Option+Command+I', 'darwin')).toBe('Cmd+Alt+I');
    expect(normalizeAccelerator('F11', 'win32')).toBe('F11');
    expect(normalizeAccelerator('Ctrl++', 'linux')).toBe('Ctrl++');
  });
});
