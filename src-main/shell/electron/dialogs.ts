/**
 * File dialogs of the Electron shell, as pure data: which filters and title a
 * kind of file gets, what a dialog's result means, and which menu command a
 * chosen path becomes. main.ts passes these to dialog.showOpenDialog /
 * showSaveDialog on the calling window; the logic is tested without Electron.
 */
import type { OpenDialogOptions, SaveDialogOptions } from 'electron';
import { MAX_PATH_LENGTH, type DialogKind, type MenuCommand } from '../../../src-shared/ipc/shell';

type Filter = { readonly name: string; readonly extensions: string[] };

const ALL: Filter = { name: 'All files', extensions: ['*'] };

/**
 * What the console opens for each kind: captures are what src-main/console
 * opens (pcapng, or an NDJSON export: ndjson/jsonl); databases are SQLite
 * files (the migrator's sqlite endpoint); configs are Lua files (Canary's and
 * TFS's config.lua, OTClient's init.lua); reports are what replay.export
 * writes (JUnit XML or JSON).
 */
const OPEN: Record<DialogKind, { title: string; filters: Filter[] }> = {
  capture: {
    title: 'Open a capture',
    filters: [{ name: 'Captures (pcapng, NDJSON)', extensions: ['pcapng', 'ndjson', 'jsonl'] }, { name: 'pcapng', extensions: ['pcapng'] }, { name: 'NDJSON export', extensions: ['ndjson', 'jsonl'] }, ALL],
  },
  database: { title: 'Open a SQLite database', filters: [{ name: 'SQLite databases', extensions: ['db', 'sqlite', 'sqlite3'] }, ALL] },
  config: { title: 'Open a config file (config.lua)', filters: [{ name: 'Lua config (config.lua)', extensions: ['lua'] }, ALL] },
  report: { title: 'Open a replay report', filters: [{ name: 'Reports (JUnit XML, JSON)', extensions: ['xml', 'json'] }, ALL] },
};

/** Save dialogs offer the formats the console writes; the first filter's extension names the default file. */
const SAVE: Record<DialogKind, { title: string; filters: Filter[]; name: string }> = {
  capture: { title: 'Save capture as', name: 'capture.pcapng', filters: [{ name: 'pcapng (Wireshark)', extensions: ['pcapng'] }, { name: 'NDJSON (one message a line)', extensions: ['ndjson'] }] },
  database: { title: 'Save database as', name: 'canary.db', filters: [{ name: 'SQLite databases', extensions: ['db', 'sqlite', 'sqlite3'] }] },
  config: { title: 'Save config as', name: 'config.lua', filters: [{ name: 'Lua config (config.lua)', extensions: ['lua'] }] },
  report: { title: 'Export the replay report as', name: 'replay.xml', filters: [{ name: 'JUnit XML (for CI)', extensions: ['xml'] }, { name: 'JSON report', extensions: ['json'] }] },
};

export function openDialogOptions(kind: DialogKind, defaultPath?: string): OpenDialogOptions {
  const o = OPEN[kind];
  return { title: o.title, filters: o.filters.map((f) => ({ ...f, extensions: [...f.extensions] })), properties: ['openFile'], ...(defaultPath ? { defaultPath } : {}) };
}

export function saveDialogOptions(kind: DialogKind, defaultPath?: string): SaveDialogOptions {
  const o = SAVE[kind];
  return {
    title: o.title,
    defaultPath: defaultPath || o.name,
    filters: o.filters.map((f) => ({ ...f, extensions: [...f.extensions] })),
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  };
}

/**
 * The path a dialog returned, or null when it was cancelled (or came back
 * with nothing usable: the services need one absolute path).
 */
export function chosenPath(result: { readonly canceled: boolean; readonly filePaths?: readonly string[]; readonly filePath?: string }): string | null {
  if (result.canceled) return null;
  const path = result.filePath ?? result.filePaths?.[0];
  if (typeof path !== 'string' || path.length === 0 || path.length > MAX_PATH_LENGTH || path.includes('\0')) return null;
  // POSIX absolute, or a Windows drive / UNC path.
  return /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(path) ? path : null;
}

/** The File menu's commands that need a path from a dialog first. */
export type FileCommand = Extract<MenuCommand, { path: string }>['kind'];

export const FILE_COMMANDS: Readonly<Record<FileCommand, { readonly mode: 'open' | 'save'; readonly kind: DialogKind }>> = {
  'open-capture': { mode: 'open', kind: 'capture' },
  'save-capture': { mode: 'save', kind: 'capture' },
  'open-config': { mode: 'open', kind: 'config' },
  'open-database': { mode: 'open', kind: 'database' },
};

/** The command the renderer gets once the dialog returned a path (null: cancelled, nothing is sent). */
export function fileCommand(command: FileCommand, path: string | null): MenuCommand | null {
  return path === null ? null : { kind: command, path };
}
