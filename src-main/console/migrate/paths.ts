/**
 * Paths a user typed into the console. The services may run in another
 * folder than the user thinks (Electron's, the web shell's), so a relative
 * path would silently mean the wrong file: only absolute paths are taken,
 * plus `~/…` for the home folder, which is what people type.
 */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ServiceError } from '../../../src-shared/ipc/contract';

/** Longest path accepted (Linux's PATH_MAX). */
const MAX_PATH = 4096;

/** The absolute path `text` names, or a BAD_PATH ServiceError saying what is wrong with it. */
export function userPath(text: unknown, what: string): string {
  if (typeof text !== 'string' || text.trim() === '') throw new ServiceError('BAD_PATH', `${what}: a path is needed`);
  const t = text.trim();
  if (t.length > MAX_PATH) throw new ServiceError('BAD_PATH', `${what}: a path of ${t.length} characters is too long`);
  if (t.includes('\0')) throw new ServiceError('BAD_PATH', `${what}: a path cannot contain a NUL character`);
  if (t === '~' || t.startsWith('~/')) return resolve(join(homedir(), t.slice(1)));
  if (!isAbsolute(t)) throw new ServiceError('BAD_PATH', `${what}: "${t}" is relative; type the full path (starting with / or ~/), the console does not know which folder you mean`);
  return resolve(t);
}
