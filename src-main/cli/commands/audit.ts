import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { intOption, parse } from '../args';
import { defaultAuditPath, openAuditLog } from '../../audit/index';

export const auditCommand: CliCommand = {
  name: 'audit',
  summary: 'check or read the audit log (migrations, config writes, …)',
  usage: `otbridge audit verify [--log FILE] [--expect-head HASH] [--json]
otbridge audit list [--log FILE] [--kind K] [--last N] [--json]

The audit log is append-only and hash-chained: each entry carries the
SHA-256 of the one before. "verify" walks the chain and names the first
entry that was edited, removed, reordered or torn; it prints the head hash,
which you can note elsewhere and pass back with --expect-head to detect a
log rewritten from the start.

  --log FILE          default $OTBRIDGE_AUDIT_LOG or ~/.otbridge/audit.ndjson
  --kind K            only entries of this kind or its sub-kinds (migrate.data)
  --last N            only the last N entries

Exit (verify): 0 intact, 6 broken or head mismatch.`,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    const { values } = parse(
      rest,
      { log: { type: 'string' }, json: { type: 'boolean', default: false }, kind: { type: 'string' }, last: { type: 'string' }, 'expect-head': { type: 'string' } },
      false,
    );
    const log = openAuditLog(values.log ?? defaultAuditPath());
    if (sub === 'verify') {
      const r = await log.verify();
      const headOk = !values['expect-head'] || values['expect-head'] === r.head;
      if (values.json) io.out.write(`${JSON.stringify({ ...r, path: log.path, ...(values['expect-head'] ? { headMatches: headOk } : {}) })}\n`);
      else if (r.ok) io.out.write(`${log.path}: ${r.entries} entries, chain intact; head ${r.head || '(empty)'}\n`);
      else io.out.write(`${log.path}: BROKEN at line ${r.firstBroken!.line}${r.firstBroken!.seq !== undefined ? ` (entry ${r.firstBroken!.seq})` : ''}: ${r.firstBroken!.reason}; ${r.entries} intact entries before it\n`);
      if (!headOk && !values.json) io.out.write(`head ${r.head} differs from the expected ${values['expect-head']}: the log was rewritten or truncated\n`);
      return r.ok && headOk ? 0 : 6;
    }
    if (sub === 'list') {
      const limit = intOption(values.last, 'last', 1, 1_000_000, 0);
      const entries = await log.read({ ...(values.kind ? { kind: values.kind } : {}), ...(limit ? { limit } : {}) });
      for (const e of entries) {
        if (values.json) io.out.write(`${JSON.stringify(e)}\n`);
        else io.out.write(`${String(e.seq).padStart(5)} ${e.at} ${e.kind}${e.actor ? ` by ${e.actor}` : ''} ${JSON.stringify(e.outcome)}\n`);
      }
      return 0;
    }
    throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'expected a subcommand: verify or list');
  },
};
