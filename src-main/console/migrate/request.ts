/**
 * A migration request from the wizard, checked the way the CLI checks its
 * command line (profile, endpoints, type, selection, options, files), with
 * every problem worded for the console's fields rather than for flags.
 */
import { ServiceError } from '../../../src-shared/ipc/contract';
import { type MigrationRequest, type MigrationRunType } from '../../../src-shared/ipc/migrate';
import { ProfileError, SelectionError, parseSelection, resolveOptions, type Profile } from '../../migrate/data/index';
import { type Selection } from '../../migrate/data/selection';
import { type Scalar } from '../../migrate/data/profile';
import { checkEndpoint, EndpointError, type CheckedEndpoint } from './endpoints';
import { loadConsoleProfile } from './profiles';
import { runFiles, type RunFiles } from './checkpoint-files';

const TYPES: readonly MigrationRunType[] = ['full', 'incremental', 'selective'];
const MAX_TERMS = 200;
const MAX_TERM = 4096;

export interface CheckedRequest {
  readonly profile: Profile;
  readonly profilePath: string | null;
  readonly source: CheckedEndpoint;
  readonly target: CheckedEndpoint;
  readonly type: MigrationRunType;
  readonly select: readonly string[];
  readonly selection: Selection | undefined;
  readonly options: Readonly<Record<string, string>>;
  readonly resolvedOptions: Readonly<Record<string, Scalar>>;
  readonly files: RunFiles;
}

export function checkRequest(p: unknown, workDir: string): CheckedRequest {
  if (!p || typeof p !== 'object' || Array.isArray(p)) throw new ServiceError('BAD_REQUEST', 'expected {profile, source, target, …}');
  const r = p as Partial<Record<keyof MigrationRequest, unknown>>;
  const { profile, path } = loadConsoleProfile(r.profile);
  let source: CheckedEndpoint;
  let target: CheckedEndpoint;
  try {
    source = checkEndpoint(r.source, 'source');
    target = checkEndpoint(r.target, 'target');
  } catch (e) {
    if (e instanceof EndpointError) throw new ServiceError(e.problem, e.message);
    throw e;
  }
  if (source.identity === target.identity) throw new ServiceError('SAME_DATABASE', `the source and the target are the same database (${target.label})`);

  const select = r.select ?? [];
  if (!Array.isArray(select) || select.length > MAX_TERMS || !select.every((t): t is string => typeof t === 'string' && t.trim() !== '' && t.length <= MAX_TERM))
    throw new ServiceError('BAD_REQUEST', `select: a list of up to ${MAX_TERMS} terms (tables=a,b | <selector>=ids | <table>:<SQL condition>)`);
  if (r.type !== undefined && !TYPES.includes(r.type as MigrationRunType)) throw new ServiceError('BAD_REQUEST', `type must be full, incremental or selective, not ${JSON.stringify(r.type)}`);
  const type = (r.type as MigrationRunType | undefined) ?? (select.length ? 'selective' : 'full');
  if (select.length && type !== 'selective') throw new ServiceError('BAD_SELECTION', `a selection makes a selective run: it does not combine with a ${type} run`);
  if (type === 'selective' && !select.length) throw new ServiceError('BAD_SELECTION', 'a selective run needs at least one select term (tables=players,accounts, guild=1, …)');
  let selection: Selection | undefined;
  try {
    selection = select.length ? parseSelection(profile, select) : undefined;
  } catch (e) {
    if (e instanceof SelectionError) throw new ServiceError('BAD_SELECTION', e.message.replace(/^--select /, 'select '));
    throw e;
  }

  const options = r.options ?? {};
  if (typeof options !== 'object' || options === null || Array.isArray(options) || !Object.values(options).every((v) => typeof v === 'string'))
    throw new ServiceError('BAD_REQUEST', 'options: an object of option name → value as text');
  let resolvedOptions: Record<string, Scalar>;
  try {
    resolvedOptions = resolveOptions(profile, options as Record<string, string>);
  } catch (e) {
    if (e instanceof ProfileError) throw new ServiceError('BAD_OPTION', e.problems.join('; '));
    throw e;
  }
  const files = runFiles(workDir, profile.name, source.label, target.label, {
    ...(r.checkpoint !== undefined ? { checkpoint: r.checkpoint } : {}),
    ...(r.rejects !== undefined ? { rejects: r.rejects } : {}),
  });
  return { profile, profilePath: path, source, target, type, select: [...select], selection, options: { ...(options as Record<string, string>) }, resolvedOptions, files };
}
