/**
 * Pushed events → store, batched per frame. Full lists (sessions, faults)
 * keep only the newest; incremental ones (rows, conflicts, versions) queue.
 * A snapshot that lands drops the full lists queued before it: on an ordered
 * transport they are older than the snapshot.
 */
import type { Bridge, ConflictRow, EventMap, SessionRow, StateVersionRow } from '../../src-shared/ipc/contract';
import type { Fault } from '../../src-shared/faults';
import type { MetricsSnapshot } from '../../src-shared/metrics';
import type { MessageSummary } from '../../src-shared/records';
import type { ConsoleStore } from '../store';
import type { Schedule } from './frame';

interface Pending {
  rows: MessageSummary[];
  sessions: readonly SessionRow[] | null;
  faults: readonly Fault[] | null;
  metrics: MetricsSnapshot[];
  conflicts: ConflictRow[];
  versions: { session: number; row: StateVersionRow }[];
}

const empty = (): Pending => ({ rows: [], sessions: null, faults: null, metrics: [], conflicts: [], versions: [] });

export class LiveUpdates {
  private pending = empty();
  private scheduled = false;
  /** The traffic subscription rows are accepted for; null while none is known. */
  private subscription: number | null = null;
  /**
   * Rows for subscriptions not known yet: while a subscribe is in flight its
   * rows can overtake its answer. Kept until the answer says which is ours.
   */
  private early = new Map<number, MessageSummary[]>();
  private awaitingSubscription = false;

  constructor(
    private readonly store: ConsoleStore,
    private readonly schedule: Schedule,
    /** Rows beyond this wait-queue size are dropped oldest first (they would be trimmed from the window anyway). */
    private readonly maxPendingRows: number,
  ) {}

  attach(bridge: Bridge): () => void {
    const offs = [
      bridge.on('traffic.rows', (p) => this.onRows(p)),
      bridge.on('sessions.changed', (p) => this.queue((q) => (q.sessions = p))),
      bridge.on('faults.changed', (p) => this.queue((q) => (q.faults = p))),
      bridge.on('metrics.tick', (p) => this.queue((q) => q.metrics.push(p))),
      bridge.on('conflicts.added', (p) => this.queue((q) => q.conflicts.push(...p))),
      bridge.on('state.version', (p) => this.queue((q) => q.versions.push(p))),
      bridge.on('app.notice', (p) => this.store.getState().addNotice(p)),
      bridge.on('proxy.status', (p) => this.store.getState().setProxy(p)),
      // Replay events come at most ten a second: straight to the store.
      bridge.on('replay.progress', (p) => this.store.getState().replayProgress(p)),
      bridge.on('replay.session', (p) => this.store.getState().replaySession(p.runId, p.session)),
      bridge.on('replay.done', (p) => {
        this.store.getState().replayDone(p);
        this.onReplayDone(p.runId);
      }),
      bridge.on('captures.changed', (p) => {
        this.store.getState().setCaptures(p);
        this.onCapturesChanged(p);
      }),
      // Migration events come at most ten a second per run: straight to the store. A run the
      // store does not know yet (started in another window) is fetched whole once.
      bridge.on('migrate.progress', (p) => this.migration(p.runId, (s) => s.migrationProgress(p))),
      bridge.on('migrate.table', (p) => this.migration(p.runId, (s) => s.migrationTable(p.runId, p.table))),
      bridge.on('migrate.warning', (p) => this.migration(p.runId, (s) => s.migrationWarning(p.runId, p.message))),
      bridge.on('migrate.done', (p) => this.migration(p.runId, (s) => s.migrationDone(p))),
      bridge.on('audit.appended', (p) => this.onAuditAppended(p.lines)),
    ];
    return () => {
      for (const off of offs) off();
    };
  }

  /** Set by the client: what to do when a replay run ends (fetch its report). */
  onReplayDone: (runId: string) => void = () => undefined;
  /** Set by the client: captures were opened or closed (their sessions change; the source may be gone). */
  onCapturesChanged: (list: EventMap['captures.changed']) => void = () => undefined;
  /** Set by the client: an event named a migration run the store does not hold. */
  onUnknownMigration: (runId: string) => void = () => undefined;
  /** Set by the client: the audit log grew. */
  onAuditAppended: (lines: number) => void = () => undefined;

  private migration(runId: string, apply: (s: ReturnType<ConsoleStore['getState']>) => void): void {
    const s = this.store.getState();
    if (s.migrationRuns.has(runId)) apply(s);
    else this.onUnknownMigration(runId);
  }

  /** A subscribe request went out: rows of unknown subscriptions are held until it answers. */
  expectSubscription(): void {
    this.awaitingSubscription = true;
    this.subscription = null;
    this.early.clear();
    this.pending.rows = [];
  }

  /** The subscribe answered (its snapshot is applied): rows that overtook it follow now. */
  acceptSubscription(id: number): void {
    this.subscription = id;
    this.awaitingSubscription = false;
    const overtaken = this.early.get(id);
    this.early.clear();
    if (overtaken?.length) this.queue((q) => q.rows.push(...overtaken));
  }

  /** Snapshots that replace a full list make the queued list stale. */
  dropQueued(kind: 'sessions' | 'faults'): void {
    this.pending[kind] = null;
  }

  private onRows(p: EventMap['traffic.rows']): void {
    if (p.subscription === this.subscription) {
      this.queue((q) => {
        for (const r of p.rows) q.rows.push(r);
        if (q.rows.length > this.maxPendingRows) q.rows.splice(0, q.rows.length - this.maxPendingRows);
      });
    } else if (this.awaitingSubscription) {
      const list = this.early.get(p.subscription) ?? [];
      list.push(...p.rows);
      if (list.length > this.maxPendingRows) list.splice(0, list.length - this.maxPendingRows);
      this.early.set(p.subscription, list);
    }
    // Otherwise: an old subscription's rows, or another window's: not ours.
  }

  private queue(change: (q: Pending) => void): void {
    change(this.pending);
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.flush());
  }

  /** Applies everything queued, once. Public for tests and for the benchmark's frame loop. */
  flush(): void {
    this.scheduled = false;
    const q = this.pending;
    this.pending = empty();
    const s = this.store.getState();
    // Rows in flight when a pause was asked for still land: main stops sending, so the table then stands still.
    if (q.rows.length) s.trafficAppend(q.rows);
    if (q.sessions) s.setSessions(q.sessions);
    if (q.faults) s.setFaults(q.faults);
    if (q.metrics.length) s.addMetrics(q.metrics);
    // Conflicts and versions are pushed for the live proxy: a capture's are complete when loaded.
    if (s.source === 'live') {
      if (q.conflicts.length) s.addConflicts(q.conflicts);
      if (q.versions.length) s.addVersions(q.versions);
    }
  }
}
