/**
 * Replay progress for a person: on a terminal one redrawn line with a bar,
 * the steps and sessions done, the verdicts so far and the ETA; elsewhere
 * (CI logs, pipes) a quiet line every few seconds and one per finished
 * session, never control characters.
 */
import { type SessionReport } from '../../src-shared/ipc/replay';
import { type RunProgress } from './runner';
import { sessionSummaryLine } from './report-text';

export interface ProgressOut {
  write(s: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export function clock(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '--:--';
  const t = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = t % 60;
  return h ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}` : `${m}:${String(s).padStart(2, '0')}`;
}

export function progressBar(p: RunProgress, columns: number): string {
  const pct = p.stepsTotal > 0 ? Math.min(1, p.stepsDone / p.stepsTotal) : p.sessionsDone / Math.max(1, p.sessionsTotal);
  const c = p.counts;
  const bad = c.differed + c.missing + c.unexpected + c.error;
  const right = ` ${(pct * 100).toFixed(0).padStart(3)}% ${p.stepsDone}/${p.stepsTotal} msgs · ${p.sessionsDone}/${p.sessionsTotal} sessions · ✓${c.matched}${bad ? ` ✗${bad}` : ''} · ETA ${clock(p.etaMs)}`;
  const width = Math.max(10, Math.min(40, columns - right.length - 3));
  const fill = Math.round(pct * width);
  return `[${'█'.repeat(fill)}${'·'.repeat(width - fill)}]${right}`.slice(0, Math.max(20, columns - 1));
}

export class ProgressPrinter {
  private drawn = false;
  private lastLine = 0;

  constructor(
    private readonly out: ProgressOut,
    private readonly everyMs = 5000,
  ) {}

  get tty(): boolean {
    return this.out.isTTY === true;
  }

  progress(p: RunProgress): void {
    if (this.tty) {
      this.out.write(`\r\x1b[2K${progressBar(p, this.out.columns ?? 100)}`);
      this.drawn = true;
    } else if (Date.now() - this.lastLine >= this.everyMs) {
      this.lastLine = Date.now();
      this.out.write(`progress: ${p.stepsDone}/${p.stepsTotal} messages, ${p.sessionsDone}/${p.sessionsTotal} sessions, ETA ${clock(p.etaMs)}\n`);
    }
  }

  session(s: SessionReport): void {
    this.clear();
    this.out.write(`${sessionSummaryLine(s)}\n`);
  }

  clear(): void {
    if (this.tty && this.drawn) this.out.write('\r\x1b[2K');
    this.drawn = false;
  }
}
