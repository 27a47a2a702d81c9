/**
 * Prints a data migration's events for a person: on a terminal one
 * redrawn line with a bar, rows/s and ETA; elsewhere (CI logs, pipes) a
 * line per table and a progress line every few seconds, never control
 * characters. `--json` callers bypass this and print the events as NDJSON.
 */
import { type DataMigration } from './data/runner';
import { type ProgressEvent, type RunSummary } from './data/events';

interface Out {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export function attachPrinter(m: DataMigration, out: Out, err: Out): void {
  const tty = out.isTTY === true;
  let lastLine = 0;
  let lastDraw = 0;
  let drawn = false;
  const clear = () => {
    if (tty && drawn) out.write('\r\x1b[2K');
    drawn = false;
  };
  m.on('plan', (p) => {
    const total = p.tables.reduce((s, t) => s + t.estimate, 0);
    out.write(`plan: ${p.tables.length} table(s), about ${total} row(s)\n`);
  });
  m.on('warning', (w) => {
    clear();
    err.write(`warning: ${w.message}\n`);
  });
  m.on('table-start', (t) => {
    if (!tty) out.write(`${t.source} → ${t.target}: ${t.estimate} row(s)${t.resumedAt ? `, resuming after ${t.resumedAt}` : ''}\n`);
  });
  m.on('progress', (e) => {
    if (tty) {
      // A batch can take a millisecond: redraw at most ten times a second.
      if (Date.now() - lastDraw < 100 && e.rowsDone < e.rowsTotal) return;
      lastDraw = Date.now();
      out.write(`\r\x1b[2K${progressLine(e, out.columns ?? 100)}`);
      drawn = true;
    } else if (Date.now() - lastLine > 5000) {
      lastLine = Date.now();
      out.write(`  ${e.table}: ${e.tableRowsDone}/${e.tableRowsTotal} · all ${e.rowsDone}/${e.rowsTotal} · ${Math.round(e.rowsPerSecond)} rows/s · ETA ${eta(e.etaSeconds)}\n`);
    }
  });
  m.on('table-end', (t) => {
    clear();
    out.write(`✓ ${t.source} → ${t.target}: ${t.written} written, ${t.rejected} rejected of ${t.read} read (${t.seconds.toFixed(1)} s)\n`);
  });
  m.on('done', () => clear());
}

export function progressLine(e: ProgressEvent, columns: number): string {
  const pct = e.rowsTotal ? e.rowsDone / e.rowsTotal : 1;
  const right = ` ${(pct * 100).toFixed(0).padStart(3)}% ${e.rowsDone}/${e.rowsTotal} ${Math.round(e.rowsPerSecond)}/s ETA ${eta(e.etaSeconds)} ${e.table}${e.rejected ? ` ✗${e.rejected}` : ''}`;
  const width = Math.max(10, Math.min(40, columns - right.length - 3));
  const fill = Math.round(pct * width);
  return `[${'█'.repeat(fill)}${'·'.repeat(width - fill)}]${right}`.slice(0, Math.max(20, columns - 1));
}

export function eta(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '--:--';
  const t = Math.max(0, Math.round(s));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  return h ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${m}:${String(sec).padStart(2, '0')}`;
}

export function summaryText(s: RunSummary): string {
  const lines = [
    `${s.dryRun ? 'dry run ' : ''}${s.status}: ${s.written} row(s) ${s.dryRun ? 'would be written' : 'written'}, ${s.rejected} rejected, of ${s.read} read in ${s.seconds.toFixed(1)} s`,
  ];
  if (s.rejected) lines.push(`rejected rows, with every reason: ${s.rejectsFile}`);
  if (s.unknownTables.length) lines.push(`not migrated (unknown to the profile): ${s.unknownTables.join(', ')}`);
  if (s.status === 'cancelled' || s.status === 'failed') lines.push(`the checkpoint is in ${s.checkpointFile}: run again with --resume to continue`);
  if (s.error) lines.push(`error: ${s.error}`);
  return `${lines.join('\n')}\n`;
}
