/**
 * The renderer as the Electron shell runs it, in Chromium, without Electron:
 * a stand-in for the preload's `window.otbridge` (installed before the page's
 * scripts) says the shell has dialogs, answers them, and pushes menu
 * commands. This runs everywhere — Electron's binary is not needed — and
 * proves the page's side: Browse… appears only when the shell says it has
 * dialogs and fills the path, and `menu.command` is acted on in one place.
 * e2e/electron.spec.ts drives the real Electron where its binary exists.
 */
import { expect, test, type Page } from '@playwright/test';
import { consoleUrl, screenshot } from './helpers';

/** Runs in the page before the renderer: a Bridge with just what these tests need. */
function installFakePreload(): void {
  type Listener = (p: unknown) => void;
  const listeners = new Map<string, Set<Listener>>();
  const calls: { channel: string; params: unknown }[] = [];
  const fail = (code: string, message: string) => Promise.reject(Object.assign(new Error(message), { code }));
  const answers: Record<string, (p: unknown) => unknown> = {
    'app.info': () => ({ name: 'otbridge', version: '0.0.0-test', shell: 'electron', platform: 'test', node: '20', startedAt: 0, protocol: 'UP/2.0', capabilities: { dialogs: true } }),
    'proxy.status': () => ({ running: false, listen: null, target: null, mode: null, dialect: null, identityFingerprint: null, capture: null, demo: null, metricsUrl: null }),
    'sessions.list': () => [],
    'faults.list': () => [],
    'capture.list': () => [],
    'migrate.runs': () => [],
    'migrate.profiles': () => [],
    'conflicts.list': () => [],
    'config.profiles': () => ({ profiles: [], schemas: [] }),
    'traffic.subscribe': () => ({ subscription: 1, rows: [], newestId: 0, hasOlder: false, filterError: null }),
    'dialog.open': (p) => ({ path: (p as { kind: string }).kind === 'database' ? '/srv/tfs/tfs.db' : '/srv/caps/chosen.pcapng' }),
    'dialog.save': () => ({ path: null }),
  };
  const w = window as unknown as Record<string, unknown>;
  w.otbridge = {
    invoke(channel: string, params: unknown) {
      calls.push({ channel, params });
      if (channel === 'capture.open') return fail('BAD_CAPTURE', 'not a capture: bad magic');
      const a = answers[channel];
      return a ? Promise.resolve(a(params)) : fail('UNAVAILABLE', `${channel} is not available in this test`);
    },
    on(channel: string, l: Listener) {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      set.add(l);
      return () => set.delete(l);
    },
  };
  w.__calls = calls;
  w.__push = (channel: string, payload: unknown) => listeners.get(channel)?.forEach((l) => l(payload));
}

const push = (page: Page, channel: string, payload: unknown) => page.evaluate(([c, p]) => (window as unknown as { __push(c: string, p: unknown): void }).__push(c as string, p), [channel, payload] as const);
const calls = (page: Page, channel: string) => page.evaluate((c) => (window as unknown as { __calls: { channel: string; params: unknown }[] }).__calls.filter((x) => x.channel === c).map((x) => x.params), channel);

test('Electron renderer: Browse… fills the path from the dialog, and the menu commands are acted on', async ({ page }) => {
  await page.addInitScript(installFakePreload);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${consoleUrl()}#sessions`);
  await expect(page.getByTestId('shell')).toHaveText('electron');

  // The shell said it has dialogs: Browse… on the capture forms; the browser's upload button is not needed.
  await expect(page.getByTestId('capture-path-browse')).toBeVisible();
  await expect(page.getByTestId('capture-file')).toHaveCount(0);
  await page.getByTestId('capture-path-browse').click();
  await expect(page.getByTestId('capture-path')).toHaveValue('/srv/caps/chosen.pcapng');
  expect(await calls(page, 'dialog.open')).toEqual([{ kind: 'capture' }]);
  // A cancelled save dialog leaves the field as it was.
  await page.getByTestId('capture-save-path').fill('/tmp/keep.pcapng');
  await page.getByTestId('capture-save-path-browse').click();
  await expect(page.getByTestId('capture-save-path')).toHaveValue('/tmp/keep.pcapng');
  expect(await calls(page, 'dialog.save')).toEqual([{ kind: 'capture', defaultPath: '/tmp/keep.pcapng' }]);
  await screenshot(page, 'electron-renderer-captures');

  // View ▸ Config from the menu; its form has Browse… too.
  await push(page, 'menu.command', { kind: 'view', view: 'config' });
  await expect(page.getByTestId('nav-config')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('config-path-browse')).toBeVisible();

  // A malformed command changes nothing.
  await push(page, 'menu.command', { kind: 'view', view: 'nowhere' });
  await push(page, 'menu.command', { kind: 'open-capture' });
  await expect(page.getByTestId('nav-config')).toHaveAttribute('aria-current', 'page');

  // Toggle theme.
  const theme = await page.evaluate(() => document.documentElement.dataset.theme);
  await push(page, 'menu.command', { kind: 'toggle-theme' });
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).not.toBe(theme);

  // File ▸ Open Capture… with the path its dialog returned: the services refuse this one, and the notice says why.
  await push(page, 'menu.command', { kind: 'open-capture', path: '/srv/caps/bad.pcapng' });
  await expect(page.getByTestId('notices')).toContainText('could not open the capture /srv/caps/bad.pcapng: not a capture: bad magic');
  expect(await calls(page, 'capture.open')).toEqual([{ path: '/srv/caps/bad.pcapng' }]);

  // File ▸ Open Database…: the migration's source, in the Migrations view.
  await push(page, 'menu.command', { kind: 'open-database', path: '/srv/tfs/tfs.db' });
  await expect(page.getByTestId('nav-migrations')).toHaveAttribute('aria-current', 'page');
  // The stand-in has no migration services: the connection test it asks for fails, and says so.
  await expect(page.getByTestId('notices')).toContainText('could not use the database /srv/tfs/tfs.db');
  expect(await calls(page, 'migrate.testConnection')).toEqual([{ endpoint: { kind: 'sqlite', path: '/srv/tfs/tfs.db' }, role: 'source' }]);
});

test('Web shell: no Browse… (a browser cannot hand the console a path), the upload button instead', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${consoleUrl()}#sessions`);
  await expect(page.getByTestId('shell')).toHaveText('web');
  await expect(page.getByTestId('capture-path')).toBeVisible();
  await expect(page.getByTestId('capture-path-browse')).toHaveCount(0);
  await expect(page.getByTestId('capture-save-path-browse')).toHaveCount(0);
  await expect(page.getByTestId('capture-file')).toHaveCount(1);
  // Asked anyway, the web shell's services say why not, over the page's own socket.
  const answer = await page.evaluate(
    () =>
      new Promise<unknown>((resolve, reject) => {
        const token = new URLSearchParams(location.search).get('token') ?? sessionStorage.getItem('otbridge.token') ?? '';
        const ws = new WebSocket(`ws://${location.host}/ws?token=${encodeURIComponent(token)}`);
        const timer = setTimeout(() => reject(new Error('no answer in 10 s')), 10_000);
        ws.onopen = () => ws.send(JSON.stringify({ t: 'req', id: 1, ch: 'dialog.open', p: { kind: 'capture' } }));
        ws.onmessage = (m) => {
          const msg = JSON.parse(String(m.data)) as { t: string; id?: number };
          if (msg.t === 'res' && msg.id === 1) {
            clearTimeout(timer);
            ws.close();
            resolve(msg);
          }
        };
      }),
  );
  expect(answer).toMatchObject({ ok: false, e: { code: 'UNAVAILABLE', message: expect.stringContaining('only in the Electron shell') } });
});
