import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleServices } from '../../console/services';
import { dialogModule, type DialogShow } from './dialog-module';

const services: ConsoleServices[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
});

function console_(show?: DialogShow) {
  const s = new ConsoleServices({ shell: show ? 'electron' : 'web', demo: false }, show ? [dialogModule(show)] : []);
  services.push(s);
  return s;
}

const calls: { how: string; client: number; options: unknown }[] = [];
const show = (answer: { canceled: boolean; path?: string }): DialogShow => ({
  open: async (client, options) => {
    calls.push({ how: 'open', client, options });
    return { canceled: answer.canceled, filePaths: answer.path ? [answer.path] : [] };
  },
  save: async (client, options) => {
    calls.push({ how: 'save', client, options });
    return { canceled: answer.canceled, ...(answer.path ? { filePath: answer.path } : {}) };
  },
});

describe('dialogs in the services', () => {
  it('the web shell says it has no dialogs, and answers UNAVAILABLE with the reason', async () => {
    const s = console_();
    expect(await s.handle('app.info', undefined)).toMatchObject({ capabilities: { dialogs: false } });
    for (const ch of ['dialog.open', 'dialog.save']) {
      await expect(s.handle(ch, { kind: 'capture' })).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/only in the Electron shell.*type it/) });
    }
  });

  it('the Electron shell says it has them, and shows them on the calling window', async () => {
    calls.length = 0;
    const s = console_(show({ canceled: false, path: '/tmp/run.pcapng' }));
    expect(await s.handle('app.info', undefined)).toMatchObject({ capabilities: { dialogs: true } });
    const conn = s.connect(() => {});
    expect(await conn.handle('dialog.open', { kind: 'capture' })).toEqual({ path: '/tmp/run.pcapng' });
    expect(await conn.handle('dialog.save', { kind: 'capture', defaultPath: '/tmp/x.ndjson' })).toEqual({ path: '/tmp/run.pcapng' });
    expect(calls.map((c) => [c.how, c.client])).toEqual([
      ['open', conn.id],
      ['save', conn.id],
    ]);
    expect(calls[0]?.options).toMatchObject({ filters: expect.arrayContaining([expect.objectContaining({ extensions: expect.arrayContaining(['pcapng']) })]) });
    expect(calls[1]?.options).toMatchObject({ defaultPath: '/tmp/x.ndjson' });
  });

  it('a cancelled dialog is a null path, and an unusable answer too', async () => {
    expect(await console_(show({ canceled: true })).handle('dialog.open', { kind: 'database' })).toEqual({ path: null });
    expect(await console_(show({ canceled: false, path: 'relative.db' })).handle('dialog.open', { kind: 'database' })).toEqual({ path: null });
  });

  it('refuses malformed requests before showing anything', async () => {
    calls.length = 0;
    const s = console_(show({ canceled: false, path: '/x' }));
    for (const bad of [undefined, null, { kind: 'exe' }, { kind: 'config', defaultPath: 5 }, 'capture']) {
      await expect(s.handle('dialog.open', bad)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
    expect(calls).toEqual([]);
  });

  it('a window that went away is an error for that request, not a crash', async () => {
    const s = console_({ open: () => Promise.reject(new Error('no window for this connection')), save: () => Promise.reject(new Error('no window')) });
    await expect(s.handle('dialog.open', { kind: 'config' })).rejects.toMatchObject({ code: 'INTERNAL', message: /no window/ });
  });
});
