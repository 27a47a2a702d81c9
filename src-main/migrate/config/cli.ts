/**
 * `otbridge migrate config`: shows the diff, and writes only with --write
 * (keeping FILE.bak), refusing when the result does not validate unless
 * --force. Every write goes to the audit log.
 */
import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type CliIo, UsageError } from '../../cli/command';
import { intOption, parse } from '../../cli/args';
import { currentActor, openAuditLog } from '../../audit/index';
import { unifiedDiff } from './diff';
import { readLuaConfig, utf8 } from './lua';
import { migrateConfig, type ConfigChange } from './migrate';
import { applyServerEntryToCanary, canaryToServerEntry, entryLua, mergeMappings, NETWORK_MAPPING, parseMapping, readServerEntries, upsertServerEntry } from './otclient';
import { SCHEMAS, validateConfig, type ConfigProblem } from './schema';
import { TFS_CANARY_CONFIG } from './tfs-canary';

export const CONFIG_USAGE = `otbridge migrate config --profile tfs-canary config.lua [--write] [--force] [--option K=V]
otbridge migrate config --profile canary-otclient config.lua [--otclient-init init.lua] [--client-version N] [--login-url URL] [--write]
otbridge migrate config --profile otclient-canary init.lua --canary-config config.lua [--server HOST] [--write]
otbridge migrate config --validate canary|tfs config.lua

Edits Lua config files in place, keeping comments, order and formatting,
and prints a unified diff. Nothing is written without --write; then the
original is kept as FILE.bak. A result that fails validation (each problem
with its line) is not written unless --force.

  tfs-canary        TFS 1.4 keys → Canary 3.6.1 (renames, ms units, removed keys
                    commented out with a note, new keys appended with defaults)
  canary-otclient   an OTClient Servers_init entry from Canary's ip, ports and
                    the client version (HTTP login from 1281); printed, or put
                    into --otclient-init in place
  otclient-canary   Canary's ip and login port from a Servers_init entry
  --mapping FILE    extra client ↔ server key pairs (see docs/migrations.md)
  --audit-log FILE  default $OTBRIDGE_AUDIT_LOG or ~/.otbridge/audit.ndjson
  --json            the result as JSON

Exit: 0 fine, 7 the result does not validate (nothing written without --force).`;

interface Result {
  file: string;
  before: string;
  after: string;
  changes: readonly (ConfigChange | string)[];
  problems: readonly ConfigProblem[];
  notes?: string[];
}

export async function runConfigCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    profile: { type: 'string' },
    validate: { type: 'string' },
    write: { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    option: { type: 'string', multiple: true },
    'otclient-init': { type: 'string' },
    'canary-config': { type: 'string' },
    'client-version': { type: 'string' },
    'login-url': { type: 'string' },
    server: { type: 'string' },
    mapping: { type: 'string' },
    'audit-log': { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  if (positionals.length !== 1) throw new UsageError('expected one config file');
  const file = resolve(positionals[0]!);
  if (!existsSync(file)) throw new Error(`no such file: ${file}`);
  const input = readFileSync(file);

  if (values.validate) {
    const schema = SCHEMAS[values.validate as 'canary' | 'tfs'];
    if (!schema) throw new UsageError('--validate takes canary or tfs');
    const problems = validateConfig(readLuaConfig(input), schema);
    if (values.json) io.out.write(`${JSON.stringify({ file, problems })}\n`);
    else {
      printProblems(io, positionals[0]!, problems);
      if (!problems.length) io.err.write(`${positionals[0]}: valid ${schema.target} settings\n`);
    }
    return problems.some((p) => p.severity === 'error') ? 7 : 0;
  }

  const options: Record<string, string> = {};
  for (const o of values.option ?? []) {
    const eq = o.indexOf('=');
    if (eq <= 0) throw new UsageError(`--option expects KEY=VALUE, got ${o}`);
    options[o.slice(0, eq)] = o.slice(eq + 1);
  }
  const mapping = values.mapping ? mergeMappings(NETWORK_MAPPING, parseMapping(JSON.parse(readFileSync(values.mapping, 'utf8')))) : NETWORK_MAPPING;
  let result: Result;
  switch (values.profile) {
    case 'tfs-canary': {
      const m = migrateConfig(input, TFS_CANARY_CONFIG, options);
      result = { file, before: m.input, after: m.output, changes: m.changes, problems: m.problems };
      break;
    }
    case 'canary-otclient': {
      const { entry, notes } = canaryToServerEntry(readLuaConfig(input), {
        ...(values['client-version'] ? { clientVersion: intOption(values['client-version'], 'client-version', 700, 9999, 0) } : {}),
        ...(values['login-url'] ? { loginUrl: values['login-url'] } : {}),
        mapping,
      });
      if (!values['otclient-init']) {
        const text = `Servers_init = {\n${entryLua(entry, '    ')}\n}\n`;
        io.out.write(values.json ? `${JSON.stringify({ entry, notes })}\n` : `-- for OTClient's init.lua\n${text}`);
        for (const n of notes) io.err.write(`note: ${n}\n`);
        return 0;
      }
      const init = resolve(values['otclient-init']);
      const before = readFileSync(init);
      const { output, action } = upsertServerEntry(before, entry);
      result = { file: init, before: before.toString('latin1'), after: output, changes: [`Servers_init[${JSON.stringify(entry.host)}] ${action}`], problems: [], notes };
      break;
    }
    case 'otclient-canary': {
      if (!values['canary-config']) throw new UsageError('--canary-config is required: the Canary config.lua to update');
      const entries = readServerEntries(input);
      const entry = values.server ? entries.find((e) => e.host === values.server) : entries[0];
      if (!entry) throw new Error(values.server ? `no Servers_init entry "${values.server}" in ${file} (it has: ${entries.map((e) => e.host).join(', ') || 'none'})` : `no Servers_init entries in ${file}`);
      const target = resolve(values['canary-config']);
      const before = readFileSync(target);
      const { output, changes } = applyServerEntryToCanary(before, entry, mapping);
      result = { file: target, before: before.toString('latin1'), after: output, changes, problems: validateConfig(readLuaConfig(Buffer.from(output, 'latin1')), SCHEMAS.canary) };
      break;
    }
    default:
      throw new UsageError(`--profile must be tfs-canary, canary-otclient or otclient-canary${values.profile ? `, not ${values.profile}` : ''}`);
  }

  const errors = result.problems.filter((p) => p.severity === 'error');
  const diff = unifiedDiff(utf8(result.before), utf8(result.after), { from: result.file, to: `${result.file} (migrated)` });
  let written = false;
  let refused = false;
  if (values.write && result.before !== result.after) {
    if (errors.length && !values.force) refused = true;
    else {
      copyFileSync(result.file, `${result.file}.bak`);
      const tmp = `${result.file}.otbridge-tmp`;
      writeFileSync(tmp, Buffer.from(result.after, 'latin1'));
      renameSync(tmp, result.file);
      written = true;
      await openAuditLog(values['audit-log']).append({
        kind: 'migrate.config.write',
        actor: currentActor(),
        params: { file: result.file, profile: values.profile, options, forced: values.force && errors.length > 0 },
        outcome: { backup: `${result.file}.bak`, changes: result.changes.length, errors: errors.length, warnings: result.problems.length - errors.length },
      });
    }
  }

  if (values.json) io.out.write(`${JSON.stringify({ file: result.file, changes: result.changes, problems: result.problems, notes: result.notes ?? [], diff, written, refused })}\n`);
  else {
    io.out.write(diff || `${result.file}: nothing to change\n`);
    for (const c of result.changes) io.err.write(`${typeof c === 'string' ? c : `${c.line ? `line ${c.line}: ` : ''}${c.key} ${c.action} ${c.detail}`}\n`);
    for (const n of result.notes ?? []) io.err.write(`note: ${n}\n`);
    printProblems(io, `${result.file} (migrated)`, result.problems);
    if (written) io.err.write(`written ${result.file} (original kept as ${result.file}.bak)\n`);
    else if (refused) io.err.write(`NOT written: ${errors.length} problem(s) above; fix them or pass --force\n`);
    else if (!values.write && result.before !== result.after) io.err.write('not written: run again with --write to apply\n');
  }
  return errors.length ? 7 : 0;
}

function printProblems(io: CliIo, file: string, problems: readonly ConfigProblem[]): void {
  for (const p of problems) io.err.write(`${file}:${p.line}: ${p.severity}: ${p.key}: ${p.message}\n`);
}
