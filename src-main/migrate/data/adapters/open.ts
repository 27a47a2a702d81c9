/**
 * Opens a source or target from what a user types:
 *   mysql://user:pass@host:3306/db (or mariadb://)   MySQL/MariaDB
 *   sqlite:path/to/file.db, or a path ending .db/.sqlite/.sqlite3   SQLite
 *   ndjson:path/to/folder, or an existing folder   NDJSON files
 */
import { existsSync, statSync } from 'node:fs';
import { MysqlDatabase, redactUrl } from './mysql';
import { NdjsonFolder } from './ndjson';
import { SqliteDatabase } from './sqlite';
import { type Source, type Target } from './types';

export type Endpoint = Source & Target;

export interface OpenedEndpoint {
  readonly db: Endpoint;
  /** The location without its password, for checkpoints, logs and the audit log. */
  readonly label: string;
}

export async function openEndpoint(text: string, role: 'source' | 'target'): Promise<OpenedEndpoint> {
  if (/^(mysql|mariadb):\/\//i.test(text)) return { db: await MysqlDatabase.open(text), label: redactUrl(text) };
  if (/^sqlite:/i.test(text) || /\.(db|sqlite3?)$/i.test(text)) {
    const path = text.replace(/^sqlite:/i, '');
    if (!existsSync(path)) throw new Error(`no SQLite file ${path}${role === 'target' ? ' (create the target schema in it first)' : ''}`);
    return { db: SqliteDatabase.open(path, { readonly: role === 'source' }), label: `sqlite:${path}` };
  }
  if (/^ndjson:/i.test(text) || (existsSync(text) && statSync(text).isDirectory())) {
    const dir = text.replace(/^ndjson:/i, '');
    return { db: NdjsonFolder.open(dir, { create: role === 'target' }), label: `ndjson:${dir}` };
  }
  throw new Error(`cannot tell what "${text}" is: use mysql://…, sqlite:FILE or ndjson:FOLDER`);
}
