/**
 * Writing a migrated config file from the console: only what the user saw
 * (the file must still be the one previewed), never over an older backup
 * (FILE.bak, then FILE.bak.1, …: a second apply must not replace the
 * original with the first migration's result), atomically (a temporary
 * file renamed over the original, keeping its permissions), and audited
 * like `otbridge migrate config --write`.
 */
import { createHash } from 'node:crypto';
import { chmodSync, constants, copyFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ServiceError } from '../../../src-shared/ipc/contract';
import { type ConfigApplied } from '../../../src-shared/ipc/migrate';
import { type AuditLog } from '../../audit/index';
import { type CheckedConfigParams, type ComputedConfig, readConfigFile } from './config-preview';

const MAX_BACKUPS = 1000;

/** Copies `file` to the first free FILE.bak, FILE.bak.1, … and returns that path. */
export function backup(file: string): string {
  for (let n = 0; n < MAX_BACKUPS; n++) {
    const path = n === 0 ? `${file}.bak` : `${file}.bak.${n}`;
    try {
      copyFileSync(file, path, constants.COPYFILE_EXCL);
      return path;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new ServiceError('BAD_PATH', `cannot back up ${file} to ${path}: ${(e as Error).message}`);
    }
  }
  throw new ServiceError('BAD_PATH', `${file} already has ${MAX_BACKUPS} backups beside it: move some away`);
}

export interface ApplyOptions {
  readonly force: boolean;
  readonly expectDigest: string | null;
  readonly audit: AuditLog | undefined;
  readonly actor: string;
}

export async function applyConfig(p: CheckedConfigParams, computed: ComputedConfig, o: ApplyOptions): Promise<ConfigApplied> {
  const { preview, output } = computed;
  const file = preview.file;
  if (!file) throw new ServiceError('BAD_REQUEST', `${p.profile} writes only into a file: give ${p.profile === 'canary-otclient' ? 'otclientInit' : 'canaryConfig'}`);
  if (o.expectDigest !== null && o.expectDigest !== preview.digest) {
    throw new ServiceError('CHANGED_ON_DISK', `${file} changed since it was shown: open it again to see the new diff`);
  }
  const errors = preview.problems.filter((x) => x.severity === 'error');
  if (errors.length && !o.force) {
    const shown = errors.slice(0, 5).map((x) => `line ${x.line}: ${x.key ? `${x.key}: ` : ''}${x.message}`);
    throw new ServiceError('INVALID_CONFIG', `not written: ${errors.length} error(s) — ${shown.join('; ')}${errors.length > 5 ? '; …' : ''}${output === null ? '' : ' (fix them, or apply with force)'}`);
  }
  if (output === null) throw new ServiceError('NOTHING_TO_CHANGE', `${file}: nothing to change`);
  // The file must be exactly what the preview was made from (another program may have written it meanwhile).
  const now = readConfigFile(file, 'config file');
  if (createHash('sha256').update(now).digest('hex') !== preview.digest) throw new ServiceError('CHANGED_ON_DISK', `${file} changed while the migration was computed: open it again`);

  const saved = backup(file);
  const tmp = join(dirname(file), `.${basename(file)}.otbridge-${process.pid}.tmp`);
  try {
    writeFileSync(tmp, Buffer.from(output, 'latin1'), { flag: 'wx' });
    chmodSync(tmp, statSync(file).mode & 0o7777);
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    throw new ServiceError('WRITE_FAILED', `${file} was not changed: ${(e as Error).message} (the backup ${saved} is a copy of it)`);
  }
  const warnings = preview.problems.length - errors.length;
  const applied = { file, backup: saved, changes: preview.changes.length, errors: errors.length, warnings, forced: o.force && errors.length > 0 };
  if (!o.audit) return { ...applied, audit: null, auditError: null };
  try {
    const entry = await o.audit.append({
      kind: 'migrate.config.write',
      actor: o.actor,
      params: { file, profile: p.profile, options: p.options, forced: applied.forced, input: p.input, via: 'console' },
      outcome: { backup: saved, changes: applied.changes, errors: applied.errors, warnings },
    });
    return { ...applied, audit: { seq: entry.seq, hash: entry.hash }, auditError: null };
  } catch (e) {
    // The file is written: say that the record of it is missing rather than pretend nothing happened.
    return { ...applied, audit: null, auditError: (e as Error).message };
  }
}
