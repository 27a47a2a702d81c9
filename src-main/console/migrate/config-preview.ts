/**
 * What the Config view shows before anything is written: for a config file
 * and a profile, the file that would change, both texts, the diff, each
 * change and every validation problem with its line. The same edits as
 * `otbridge migrate config` (src-main/migrate/config): only the reading of
 * the console's parameters and the shape of the answer are the console's.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { ServiceError } from '../../../src-shared/ipc/contract';
import {
  type ConfigChangeRow,
  type ConfigOpenParams,
  type ConfigPreview,
  type ConfigProblemRow,
  type ConfigProfileInfo,
  type ConfigProfileName,
} from '../../../src-shared/ipc/migrate';
import {
  applyServerEntryToCanary,
  canaryToServerEntry,
  mergeMappings,
  migrateConfig,
  NETWORK_MAPPING,
  parseMapping,
  readLuaConfig,
  readServerEntries,
  SCHEMAS,
  TFS_CANARY_CONFIG,
  unifiedDiff,
  upsertServerEntry,
  validateConfig,
  LuaSyntaxError,
  CANARY_CLIENT_VERSION,
  HTTP_LOGIN_FROM,
  type NetworkMapping,
} from '../../migrate/config/index';
import { entryLua } from '../../migrate/config/otclient';
import { utf8 } from '../../migrate/config/lua';
import { diffHunks } from './diff-hunks';
import { userPath } from './paths';

/** Config files are a few hundred lines; anything this big is not one. */
export const MAX_CONFIG_BYTES = 4 << 20;

export const CONFIG_PROFILES: readonly ConfigProfileInfo[] = [
  {
    name: 'tfs-canary',
    description: `${TFS_CANARY_CONFIG.description}: renamed keys, milliseconds for seconds, removed keys commented out with a note, new keys appended with their defaults`,
    input: "TFS 1.4's config.lua",
    writes: 'input',
    params: ['options'],
    options: Object.entries(TFS_CANARY_CONFIG.options ?? {}).map(([name, o]) => ({ name, description: o.description, default: o.default })),
  },
  {
    name: 'canary-otclient',
    description: `OTClient's Servers_init entry for a Canary server, from its ip, login port and the client version (HTTP login from ${HTTP_LOGIN_FROM})`,
    input: "Canary's config.lua",
    writes: 'otclientInit',
    params: ['otclientInit', 'clientVersion', 'loginUrl', 'mapping'],
    options: [],
  },
  {
    name: 'otclient-canary',
    description: "Canary's ip and login port from one of OTClient's Servers_init entries",
    input: "OTClient's init.lua",
    writes: 'canaryConfig',
    params: ['canaryConfig', 'server', 'mapping'],
    options: [],
  },
];

const NAMES: ReadonlySet<string> = new Set(CONFIG_PROFILES.map((p) => p.name));

export interface CheckedConfigParams {
  readonly input: string;
  readonly profile: ConfigProfileName;
  readonly options: Readonly<Record<string, string>>;
  readonly otclientInit: string | null;
  readonly canaryConfig: string | null;
  readonly server: string | null;
  readonly clientVersion: number | null;
  readonly loginUrl: string | null;
  readonly mapping: string | null;
}

export function checkConfigParams(p: unknown): CheckedConfigParams {
  if (!p || typeof p !== 'object' || Array.isArray(p)) throw new ServiceError('BAD_REQUEST', 'expected {path, profile, …}');
  const r = p as Partial<Record<keyof ConfigOpenParams, unknown>>;
  if (typeof r.profile !== 'string' || !NAMES.has(r.profile)) throw new ServiceError('BAD_REQUEST', `profile must be one of ${[...NAMES].join(', ')}`);
  const profile = r.profile as ConfigProfileName;
  const info = CONFIG_PROFILES.find((x) => x.name === profile)!;
  for (const k of ['otclientInit', 'canaryConfig', 'server', 'clientVersion', 'loginUrl', 'mapping'] as const) {
    if (r[k] !== undefined && r[k] !== null && !info.params.includes(k)) throw new ServiceError('BAD_REQUEST', `${k} is not used by ${profile}`);
  }
  const options = r.options ?? {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new ServiceError('BAD_REQUEST', 'options: an object of option name → value');
  for (const [k, v] of Object.entries(options)) {
    const spec = info.options.find((o) => o.name === k);
    if (!spec) throw new ServiceError('BAD_OPTION', `${profile} has no option ${k}${info.options.length ? ` (it has: ${info.options.map((o) => o.name).join(', ')})` : ''}`);
    if (typeof v !== 'string') throw new ServiceError('BAD_OPTION', `option ${k}: a value as text`);
    if (/^\d+$/.test(spec.default) && !/^[1-9]\d{0,5}$/.test(v)) throw new ServiceError('BAD_OPTION', `option ${k} must be a whole number ≥ 1, got "${v}"`);
  }
  const text = (k: 'server' | 'loginUrl'): string | null => {
    const v = r[k];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string' || v.trim() === '' || v.length > 2048) throw new ServiceError('BAD_REQUEST', `${k}: a non-empty text`);
    return v.trim();
  };
  const loginUrl = text('loginUrl');
  if (loginUrl !== null && !/^https?:\/\/[^\s/]+/i.test(loginUrl)) throw new ServiceError('BAD_REQUEST', `loginUrl must be an http:// or https:// URL, got "${loginUrl}"`);
  let clientVersion: number | null = null;
  if (r.clientVersion !== undefined && r.clientVersion !== null) {
    if (typeof r.clientVersion !== 'number' || !Number.isInteger(r.clientVersion) || r.clientVersion < 700 || r.clientVersion > 9999)
      throw new ServiceError('BAD_REQUEST', `clientVersion must be a client version such as ${CANARY_CLIENT_VERSION} (700…9999)`);
    clientVersion = r.clientVersion;
  }
  const path = (k: 'otclientInit' | 'canaryConfig' | 'mapping', what: string) => (r[k] === undefined || r[k] === null ? null : userPath(r[k], what));
  const checked: CheckedConfigParams = {
    input: userPath(r.path, 'config file'),
    profile,
    options: { ...(options as Record<string, string>) },
    otclientInit: path('otclientInit', "OTClient's init.lua"),
    canaryConfig: path('canaryConfig', "Canary's config.lua"),
    server: text('server'),
    clientVersion,
    loginUrl,
    mapping: path('mapping', 'mapping file'),
  };
  if (profile === 'otclient-canary' && !checked.canaryConfig) throw new ServiceError('BAD_REQUEST', "canaryConfig: the Canary config.lua to update is needed for otclient-canary");
  if ((checked.otclientInit ?? checked.canaryConfig) === checked.input) throw new ServiceError('BAD_PATH', 'the file to update is the file read: pick the other one');
  return checked;
}

/** A config file's bytes; NOT_FOUND / BAD_PATH / TOO_LARGE with what is wrong. */
export function readConfigFile(path: string, what: string): Buffer {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new ServiceError('BAD_PATH', `${what} ${path} is ${st.isDirectory() ? 'a folder' : 'not a regular file'}`);
    size = st.size;
  } catch (e) {
    if (e instanceof ServiceError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ServiceError('NOT_FOUND', `no ${what} at ${path}`);
    throw new ServiceError('BAD_PATH', `${what} ${path}: ${(e as Error).message}`);
  }
  if (size > MAX_CONFIG_BYTES) throw new ServiceError('TOO_LARGE', `${what} ${path} is ${(size / 1048576).toFixed(1)} MiB: not a config file (at most ${MAX_CONFIG_BYTES >> 20} MiB)`);
  try {
    return readFileSync(path);
  } catch (e) {
    throw new ServiceError('BAD_PATH', `cannot read ${path}: ${(e as Error).message}`);
  }
}

export interface ComputedConfig {
  readonly preview: ConfigPreview;
  /** The new bytes of preview.file (Latin-1 text: one char per byte), null when nothing is written. */
  readonly output: string | null;
}

/** A Lua syntax error (or a parser giving up) as a problem on its line, not a failed request. */
function unreadable(e: unknown, file: string): ConfigProblemRow {
  if (e instanceof LuaSyntaxError) return { line: e.line, key: '', severity: 'error', message: `${file}: Lua syntax error: ${e.message.replace(/^line \d+: /, '')}` };
  if (e instanceof RangeError) return { line: 0, key: '', severity: 'error', message: `${file}: nested too deeply to read` };
  throw e;
}

export function computePreview(p: CheckedConfigParams): ComputedConfig {
  const input = readConfigFile(p.input, 'config file');
  const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const base = { profile: p.profile, input: p.input, notes: [] as string[], entryText: null as string | null };
  const result = (file: string, fileBytes: Buffer, after: string, changes: ConfigChangeRow[], problems: ConfigProblemRow[], extra: Partial<ConfigPreview> = {}): ComputedConfig => {
    const before = fileBytes.toString('latin1');
    const diff = unifiedDiff(utf8(before), utf8(after), { from: file, to: `${file} (migrated)` });
    const ok = !problems.some((x) => x.severity === 'error');
    return {
      preview: { ...base, file, before: utf8(before), after: utf8(after), diff, hunks: diffHunks(diff), changes, problems, changed: before !== after, ok, digest: digest(fileBytes), ...extra },
      output: before !== after ? after : null,
    };
  };
  const failed = (file: string, fileBytes: Buffer, problem: ConfigProblemRow): ComputedConfig => result(file, fileBytes, fileBytes.toString('latin1'), [], [problem]);

  switch (p.profile) {
    case 'tfs-canary': {
      let m;
      try {
        m = migrateConfig(input, TFS_CANARY_CONFIG, p.options);
      } catch (e) {
        return failed(p.input, input, unreadable(e, p.input));
      }
      return result(p.input, input, m.output, m.changes.map((c) => ({ ...c })), m.problems.map((x) => ({ ...x })));
    }
    case 'canary-otclient': {
      let entry, notes;
      try {
        ({ entry, notes } = canaryToServerEntry(readLuaConfig(input), { ...(p.clientVersion !== null ? { clientVersion: p.clientVersion } : {}), ...(p.loginUrl !== null ? { loginUrl: p.loginUrl } : {}), mapping: mapping(p) }));
      } catch (e) {
        const problem = unreadable(e, p.input);
        return { preview: { ...base, file: null, before: '', after: '', diff: '', hunks: [], changes: [], problems: [problem], changed: false, ok: false, digest: null }, output: null };
      }
      const entryText = `Servers_init = {\n${entryLua(entry, '    ')}\n}\n`;
      if (!p.otclientInit) {
        return { preview: { ...base, notes, entryText, file: null, before: '', after: '', diff: '', hunks: [], changes: [], problems: [], changed: false, ok: true, digest: null }, output: null };
      }
      const init = readConfigFile(p.otclientInit, "OTClient's init.lua");
      let up;
      try {
        up = upsertServerEntry(init, entry);
      } catch (e) {
        return failed(p.otclientInit, init, unreadable(e, p.otclientInit));
      }
      const change: ConfigChangeRow = { line: 0, key: `Servers_init[${JSON.stringify(entry.host)}]`, action: up.action, detail: Object.entries(entry.fields).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ') };
      return result(p.otclientInit, init, up.output, up.action === 'unchanged' ? [] : [change], [], { notes, entryText });
    }
    case 'otclient-canary': {
      const canary = readConfigFile(p.canaryConfig!, "Canary's config.lua");
      let entries;
      try {
        entries = readServerEntries(input);
      } catch (e) {
        return failed(p.canaryConfig!, canary, unreadable(e, p.input));
      }
      const entry = p.server !== null ? entries.find((e) => e.host === p.server) : entries[0];
      if (!entry) {
        throw new ServiceError(
          'NOT_FOUND',
          p.server !== null ? `no Servers_init entry "${p.server}" in ${p.input} (it has: ${entries.map((e) => e.host).join(', ') || 'none'})` : `no Servers_init entries in ${p.input}`,
        );
      }
      let out;
      try {
        out = applyServerEntryToCanary(canary, entry, mapping(p));
      } catch (e) {
        return failed(p.canaryConfig!, canary, unreadable(e, p.canaryConfig!));
      }
      const problems = validateConfig(readLuaConfig(Buffer.from(out.output, 'latin1')), SCHEMAS.canary).map((x) => ({ ...x }));
      return result(p.canaryConfig!, canary, out.output, out.changes.map((detail) => ({ line: 0, key: detail.split(' = ')[0] ?? '', action: detail.endsWith('(added)') ? 'added' : 'changed', detail })), problems);
    }
  }
}

function mapping(p: CheckedConfigParams): NetworkMapping {
  if (!p.mapping) return NETWORK_MAPPING;
  const bytes = readConfigFile(p.mapping, 'mapping file');
  try {
    return mergeMappings(NETWORK_MAPPING, parseMapping(JSON.parse(bytes.toString('utf8'))));
  } catch (e) {
    throw new ServiceError('BAD_MAPPING', `${p.mapping}: ${(e as Error).message}`);
  }
}

/** config.validate: a file's problems against a server's settings. */
export function validateFile(path: string, schema: 'canary' | 'tfs'): ConfigProblemRow[] {
  const bytes = readConfigFile(path, 'config file');
  try {
    return validateConfig(readLuaConfig(bytes), SCHEMAS[schema]).map((x) => ({ ...x }));
  } catch (e) {
    return [unreadable(e, path)];
  }
}
