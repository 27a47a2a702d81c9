/**
 * `otbridge migrate data` and `otbridge migrate verify`: argument handling
 * around the DataMigration service and verifyMigration.
 */
import { basename, resolve } from 'node:path';
import { type CliIo, UsageError } from '../../cli/command';
import { intOption, parse } from '../../cli/args';
import { currentActor, openAuditLog } from '../../audit/index';
import { loadProfile } from '../profiles/index';
import { attachPrinter, summaryText } from '../progress-printer';
import { loadCheckpoint, type RunType } from './checkpoint';
import { openEndpoint } from './adapters/open';
import { DataMigration, type MigrationOptions } from './runner';
import { verifyMigration, type VerificationReport } from './verify';

export const DATA_USAGE = `otbridge migrate data --profile tfs-canary --from SOURCE --to TARGET [options]

Moves game data from SOURCE to TARGET through a migration profile: read,
transform, validate, write in batches, checkpoint after each batch.
SOURCE/TARGET: mysql://user:pass@host:3306/db, sqlite:FILE, ndjson:FOLDER.

  --profile P         built-in profile (tfs-canary) or a profile JSON file
  --type T            full (default), incremental (new/changed rows since the
                      last completed run), selective (needs --select)
  --select S          repeatable: tables=a,b | <selector>=ids (guild=1, player=5,
                      account=3) | <table>:<SQL condition>
  --option K=V        repeatable profile option (emptyEmail=placeholder)
  --dry-run           read, transform and validate everything; write nothing
  --resume            continue the unfinished run in the checkpoint
  --restart           discard an unfinished run and start over
  --batch-size N      rows per batch and transaction (default 1000)
  --reader R          auto (default), thread or inline: where a SQLite source
                      is read; auto uses a reader thread for tables of 20 000
                      rows or more, so reading overlaps writing
  --checkpoint FILE   default ./otbridge-<profile>.checkpoint.json
  --rejects FILE      default ./otbridge-<profile>.rejects.ndjson
  --audit-log FILE    default $OTBRIDGE_AUDIT_LOG or ~/.otbridge/audit.ndjson
  --json              events and the summary as NDJSON on stdout

Exit: 0 done, 3 done with rejected rows, 4 cancelled (Ctrl-C; --resume
continues), 1 failed.`;

export const VERIFY_USAGE = `otbridge migrate verify --profile tfs-canary --from SOURCE --to TARGET [--checkpoint FILE] [--rejects FILE] [--json]

Compares, per table, the row count and an order-independent checksum of the
source as the profile transforms it with what the target holds, and lists
the keys that are missing, extra or different. Uses the last run in the
checkpoint (its type, selection, options and clock). Exit 0 when everything
matches, 5 when something does not.

  --key-limit N       rows per table kept by key to name mismatches (default 200000)`;

const common = {
  profile: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  checkpoint: { type: 'string' },
  rejects: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

function paths(profileArg: string, values: { checkpoint?: string; rejects?: string }) {
  const stem = basename(profileArg).replace(/\.json$/i, '');
  return {
    checkpointPath: resolve(values.checkpoint ?? `otbridge-${stem}.checkpoint.json`),
    rejectsPath: resolve(values.rejects ?? `otbridge-${stem}.rejects.ndjson`),
  };
}

function required(v: string | undefined, name: string): string {
  if (!v) throw new UsageError(`--${name} is required`);
  return v;
}

export async function runDataCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parse(
    argv,
    {
      ...common,
      type: { type: 'string' },
      select: { type: 'string', multiple: true },
      option: { type: 'string', multiple: true },
      'dry-run': { type: 'boolean', default: false },
      resume: { type: 'boolean', default: false },
      restart: { type: 'boolean', default: false },
      'batch-size': { type: 'string' },
      reader: { type: 'string' },
      'audit-log': { type: 'string' },
      now: { type: 'string' },
    },
    false,
  );
  const profileArg = required(values.profile, 'profile');
  const type = values.type as RunType | undefined;
  if (type && !['full', 'incremental', 'selective'].includes(type)) throw new UsageError(`--type must be full, incremental or selective, not ${type}`);
  if (values.resume && values.restart) throw new UsageError('--resume and --restart exclude each other');
  const reader = values.reader as MigrationOptions['reader'];
  if (reader && !['auto', 'thread', 'inline'].includes(reader)) throw new UsageError(`--reader must be auto, thread or inline, not ${reader}`);
  const options: Record<string, string> = {};
  for (const o of values.option ?? []) {
    const eq = o.indexOf('=');
    if (eq <= 0) throw new UsageError(`--option expects KEY=VALUE, got ${o}`);
    options[o.slice(0, eq)] = o.slice(eq + 1);
  }
  const profile = loadProfile(profileArg);
  const from = await openEndpoint(required(values.from, 'from'), 'source');
  let to;
  try {
    to = await openEndpoint(required(values.to, 'to'), 'target');
  } catch (e) {
    await from.db.close();
    throw e;
  }
  const m = new DataMigration({
    profile,
    source: from.db,
    target: to.db,
    sourceLabel: from.label,
    targetLabel: to.label,
    ...(type ? { type } : {}),
    dryRun: values['dry-run'],
    select: values.select ?? [],
    options,
    batchSize: intOption(values['batch-size'], 'batch-size', 1, 100_000, 1000),
    ...(reader ? { reader } : {}),
    ...paths(profileArg, values),
    resume: values.resume,
    restart: values.restart,
    audit: openAuditLog(values['audit-log']),
    actor: currentActor(),
    ...(values.now ? { now: intOption(values.now, 'now', 0, 2 ** 32, 0) } : {}),
  });
  if (values.json) for (const ev of ['plan', 'table-start', 'progress', 'reject', 'warning', 'table-end'] as const) m.on(ev, (e: unknown) => io.out.write(`${JSON.stringify({ event: ev, ...(e as object) })}\n`));
  else attachPrinter(m, io.out, io.err);
  let cancelled = false;
  void io.stopped.then(() => {
    cancelled = true;
    m.cancel();
  });
  try {
    const s = await m.run();
    io.out.write(values.json ? `${JSON.stringify({ event: 'done', ...s })}\n` : summaryText(s));
    if (s.status === 'failed') return 1;
    if (s.status === 'cancelled' || cancelled) return 4;
    return s.rejected ? 3 : 0;
  } finally {
    await from.db.close();
    await to.db.close();
  }
}

export async function runVerifyCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parse(argv, { ...common, 'key-limit': { type: 'string' } }, false);
  const profileArg = required(values.profile, 'profile');
  const profile = loadProfile(profileArg);
  const { checkpointPath, rejectsPath } = paths(profileArg, values);
  const last = loadCheckpoint(checkpointPath).run;
  const run = last ?? { type: 'full' as const, select: [], options: {}, now: Math.floor(Date.now() / 1000) };
  if (!last) io.err.write(`no run in ${checkpointPath}: verifying a full migration with default options and today's clock\n`);
  const from = await openEndpoint(required(values.from, 'from'), 'source');
  const to = await openEndpoint(required(values.to, 'to'), 'target').catch(async (e: unknown) => {
    await from.db.close();
    throw e;
  });
  try {
    const report = await verifyMigration({
      profile,
      source: from.db,
      target: to.db,
      run,
      rejectsPath,
      keyLimit: intOption(values['key-limit'], 'key-limit', 0, 10_000_000, 200_000),
    });
    io.out.write(values.json ? `${JSON.stringify(report)}\n` : reportText(report));
    return report.ok ? 0 : 5;
  } finally {
    await from.db.close();
    await to.db.close();
  }
}

export function reportText(r: VerificationReport): string {
  const lines: string[] = [];
  for (const t of r.tables) {
    const mark = t.ok ? '✓' : '✗';
    lines.push(`${mark} ${t.target}: ${t.targetRows} row(s) in the target, ${t.expectedRows} expected${t.rejected ? ` (${t.rejected} rejected)` : ''}, checksum ${t.targetChecksum}${t.ok ? '' : ` ≠ ${t.expectedChecksum}`}`);
    if (t.missing.length) lines.push(`    missing: ${t.missing.join(' ')}`);
    if (t.extra.length) lines.push(`    extra: ${t.extra.join(' ')}`);
    if (t.different.length) lines.push(`    different: ${t.different.join(' ')}`);
    if (t.note) lines.push(`    ${t.note}`);
  }
  lines.push(r.ok ? `verified: every table matches (${r.scope === 'selected' ? 'selected rows' : 'all rows'})` : `MISMATCH in ${r.tables.filter((t) => !t.ok).length} table(s)`);
  return `${lines.join('\n')}\n`;
}
