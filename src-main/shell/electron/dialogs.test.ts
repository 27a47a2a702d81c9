import { describe, expect, it } from 'vitest';
import { DIALOG_KINDS, dialogParamsProblem, isMenuCommand, MAX_PATH_LENGTH } from '../../../src-shared/ipc/shell';
import { chosenPath, FILE_COMMANDS, fileCommand, openDialogOptions, saveDialogOptions } from './dialogs';

const exts = (o: { filters?: { extensions: string[] }[] }) => (o.filters ?? []).flatMap((f) => f.extensions);

describe('dialog options', () => {
  it('offers what the console opens for each kind', () => {
    expect(exts(openDialogOptions('capture'))).toEqual(expect.arrayContaining(['pcapng', 'ndjson', 'jsonl']));
    expect(exts(openDialogOptions('database'))).toEqual(expect.arrayContaining(['db', 'sqlite', 'sqlite3']));
    expect(exts(openDialogOptions('config'))).toEqual(expect.arrayContaining(['lua']));
    for (const k of DIALOG_KINDS) {
      const o = openDialogOptions(k);
      expect(o.properties).toEqual(['openFile']);
      // The first filter is the kind's own (selected by default); "All files" comes last.
      expect(o.filters?.[0]?.extensions).not.toContain('*');
      expect(o.filters?.at(-1)?.extensions).toEqual(['*']);
      expect(o.title).toBeTruthy();
    }
  });

  it('saves captures as pcapng or NDJSON, and names a default file', () => {
    const o = saveDialogOptions('capture');
    expect(o.filters?.map((f) => f.extensions)).toEqual([['pcapng'], ['ndjson']]);
    expect(o.defaultPath).toBe('capture.pcapng');
    expect(saveDialogOptions('config').defaultPath).toBe('config.lua');
    expect(saveDialogOptions('capture', '/tmp/run.ndjson').defaultPath).toBe('/tmp/run.ndjson');
    expect(o.properties).toContain('showOverwriteConfirmation');
  });

  it('hands out fresh filter arrays (Electron may keep what it is given)', () => {
    const a = openDialogOptions('capture');
    a.filters![0]!.extensions.push('exe');
    expect(exts(openDialogOptions('capture'))).not.toContain('exe');
  });
});

describe('chosenPath', () => {
  it('is the path chosen, or null when cancelled', () => {
    expect(chosenPath({ canceled: false, filePaths: ['/tmp/a.pcapng'] })).toBe('/tmp/a.pcapng');
    expect(chosenPath({ canceled: false, filePath: 'C:\\caps\\a.pcapng' })).toBe('C:\\caps\\a.pcapng');
    expect(chosenPath({ canceled: false, filePath: '\\\\server\\share\\a.db' })).toBe('\\\\server\\share\\a.db');
    expect(chosenPath({ canceled: true, filePaths: ['/tmp/a.pcapng'] })).toBeNull();
    expect(chosenPath({ canceled: false, filePaths: [] })).toBeNull();
    expect(chosenPath({ canceled: false, filePath: '' })).toBeNull();
  });

  it('refuses what the services could not use: relative, NUL bytes, absurd lengths', () => {
    expect(chosenPath({ canceled: false, filePath: 'relative/a.db' })).toBeNull();
    expect(chosenPath({ canceled: false, filePath: '/tmp/a\0.db' })).toBeNull();
    expect(chosenPath({ canceled: false, filePath: `/${'a'.repeat(MAX_PATH_LENGTH)}` })).toBeNull();
  });
});

describe('file commands', () => {
  it('map each File menu command to a dialog, and a chosen path to a valid command', () => {
    expect(FILE_COMMANDS['save-capture']).toEqual({ mode: 'save', kind: 'capture' });
    expect(FILE_COMMANDS['open-database']).toEqual({ mode: 'open', kind: 'database' });
    for (const c of Object.keys(FILE_COMMANDS) as (keyof typeof FILE_COMMANDS)[]) {
      expect(fileCommand(c, null)).toBeNull();
      const cmd = fileCommand(c, '/srv/x');
      expect(cmd).toEqual({ kind: c, path: '/srv/x' });
      expect(isMenuCommand(cmd)).toBe(true);
    }
  });
});

describe('dialog request parameters', () => {
  it('accepts a kind with an optional start path', () => {
    expect(dialogParamsProblem({ kind: 'capture' })).toBeNull();
    expect(dialogParamsProblem({ kind: 'config', defaultPath: '/srv/tfs/config.lua' })).toBeNull();
  });
  it('refuses hostile parameters with a reason', () => {
    for (const bad of [null, undefined, 'capture', [], 42, { kind: 'exe' }, { kind: '__proto__' }, { kind: 'capture', defaultPath: 7 }, { kind: 'capture', defaultPath: '' }, { kind: 'capture', defaultPath: 'x'.repeat(MAX_PATH_LENGTH + 1) }, { kind: 'capture', defaultPath: '/a\0b' }]) {
      expect(dialogParamsProblem(bad), JSON.stringify(bad)).toMatch(/\w/);
    }
  });
});
