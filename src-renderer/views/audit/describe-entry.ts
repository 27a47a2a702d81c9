/**
 * One line for an audit entry, in words: what was done to what and how it
 * ended. The entry's kinds are written by the migrators, replay and the
 * scripting host; an unknown kind falls back to its parameters in brief.
 */
import type { AuditEntryRow } from '../../../src-shared/ipc/migrate';
import { preview } from '../../format';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '?' : preview(v, 60));
const num = (v: unknown): string => (typeof v === 'number' ? v.toLocaleString('en') : '?');

export function describeEntry(e: AuditEntryRow): string {
  const p = obj(e.params);
  const o = obj(e.outcome);
  switch (e.kind) {
    case 'migrate.data.start':
      return `${p.dryRun ? 'dry run' : `${str(p.type)} run`} of ${str(p.profile)} started: ${str(p.source)} → ${str(p.target)}${o.resumed ? ' (resumed)' : ''}`;
    case 'migrate.data.end':
      return o.stage === 'plan'
        ? `${p.dryRun ? 'dry run' : 'run'} of ${str(p.profile)} refused by its pre-flight: ${Array.isArray(o.errors) ? o.errors.map(str).join('; ') : str(o.errors)}`
        : `${p.dryRun ? 'dry run' : `${str(p.type)} run`} of ${str(p.profile)} ${str(o.status)}: ${num(o.written)} written, ${num(o.rejected)} rejected of ${num(o.read)} read${o.error ? ` — ${str(o.error)}` : ''}`;
    case 'migrate.config.write':
      return `${str(p.file)} migrated with ${str(p.profile)}: ${num(o.changes)} changes${p.forced ? `, forced past ${num(o.errors)} errors` : ''}, original kept as ${str(o.backup)}`;
    case 'replay.run':
      return `replay of ${str(p.capture)} against ${str(p.target)}: ${str(o.verdict)}${o.error ? ` — ${str(o.error)}` : ''}`;
    case 'replay.serve':
      return `server replay of ${str(p.capture)} on ${str(p.listen)}: ${str(o.verdict)}, ${num(o.clients)} clients`;
    case 'script.execute': {
      // The source is kept whole in the entry (up to 4 KiB): its first line says which script it was.
      const first = typeof p.source === 'string' ? (p.source.split('\n').find((l) => l.trim()) ?? '').trim() : '';
      const shown = first.length > 60 ? `${first.slice(0, 60)}…` : first;
      const how = o.ok === true ? `ran in ${num(o.durationMs)} ms` : o.ok === false ? `failed (${str(o.kind)}): ${str(o.message)}` : 'outcome unknown';
      return `Lua script in session ${num(p.session)} (player ${str(p.player)}) ${how}${shown ? ` — ${shown}` : ''}`;
    }
    default:
      return preview(e.params, 120);
  }
}
