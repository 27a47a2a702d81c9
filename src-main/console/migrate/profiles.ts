/**
 * Data migration profiles for the wizard: the built-in ones, or a profile
 * JSON file the user points at, described table by table so the wizard can
 * show what moves where and offer the selective picker.
 */
import { isAbsolute } from 'node:path';
import { ServiceError } from '../../../src-shared/ipc/contract';
import { type MigrationProfileInfo } from '../../../src-shared/ipc/migrate';
import { BUILTIN_PROFILES, loadProfile } from '../../migrate/profiles/index';
import { ProfileError, type Profile } from '../../migrate/data/index';
import { userPath } from './paths';

export interface LoadedProfile {
  readonly profile: Profile;
  /** The file it came from (null: built in). */
  readonly path: string | null;
}

/** A built-in profile by name, or a profile file by absolute path; PROFILE errors list every problem. */
export function loadConsoleProfile(nameOrPath: unknown): LoadedProfile {
  if (typeof nameOrPath !== 'string' || nameOrPath.trim() === '') {
    throw new ServiceError('BAD_REQUEST', `profile: a built-in profile (${Object.keys(BUILTIN_PROFILES).join(', ')}) or the path of a profile JSON file`);
  }
  const name = nameOrPath.trim();
  const builtins = Object.keys(BUILTIN_PROFILES);
  if (!builtins.includes(name) && !isAbsolute(name) && name !== '~' && !name.startsWith('~/'))
    throw new ServiceError('BAD_PROFILE', `no built-in profile "${name}" (built in: ${builtins.join(', ')}); a profile of your own is given by its full path`);
  const path = builtins.includes(name) ? null : userPath(name, 'profile');
  try {
    return { profile: loadProfile(path ?? name), path };
  } catch (e) {
    if (e instanceof ProfileError) throw new ServiceError('BAD_PROFILE', e.message);
    throw new ServiceError('BAD_PROFILE', `${path ?? name}: ${(e as Error).message}`);
  }
}

export function describeProfile(p: Profile, path: string | null): MigrationProfileInfo {
  return {
    name: p.name,
    description: p.description,
    builtin: path === null,
    path,
    source: { name: p.source.name, upstream: p.source.upstream ?? null },
    target: { name: p.target.name, upstream: p.target.upstream ?? null },
    tables: p.tables.map((t) => ({
      source: t.source,
      target: t.target,
      key: [...t.key],
      write: t.write ?? 'upsert',
      group: t.group ?? null,
      incremental: t.incremental?.mode ?? null,
      columns: Object.keys(t.columns),
      dropped: Object.entries(t.drop ?? {}).map(([column, why]) => ({ column, why })),
    })),
    ignored: Object.entries(p.ignore).map(([table, why]) => ({ table, why })),
    options: Object.entries(p.options).map(([name, o]) => ({ name, description: o.description ?? '', default: o.default, values: o.values ? [...o.values] : null })),
    selectors: Object.entries(p.selectors).map(([name, s]) => ({ name, description: s.description, tables: Object.keys(s.tables) })),
    finalize: p.finalize.setConfig.map((s) => ({ table: s.table, key: s.key, value: s.value, warning: s.warning })),
  };
}

export function builtinProfiles(): MigrationProfileInfo[] {
  return Object.keys(BUILTIN_PROFILES).map((name) => describeProfile(loadProfile(name), null));
}
