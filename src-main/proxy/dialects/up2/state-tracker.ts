/**
 * Rebuilds each UP/2.0 session's state from what crosses the proxy: the
 * server's snapshots and batches, in order, give every version of the
 * client's tree (kept with structural sharing, so any two can be diffed);
 * the client's updates and their acknowledgements show which writes were
 * concurrent. A conflict seen on the wire — the two sides writing the same
 * path, a parent or a child, before either knew of the other's write — is
 * reported with what each strategy would decide.
 */
import { EventEmitter } from 'node:events';
import type { MessageRecord } from '../../../../src-shared/records';
import type { PatchOp } from '../../../../src-shared/protocol';
import {
  decideAll,
  opsOverlap,
  strategyTable,
  StateTimeline,
  STRATEGIES,
  type JsonValue,
  type Strategy,
} from '../../../../src-shared/sync';
import type { ConflictRow, StateOp, StateVersionRow, StrategyName } from '../../../../src-shared/ipc/contract';

interface VersionInfo {
  readonly row: StateVersionRow;
  /** Server ops of this version (for concurrency checks against client updates). */
  readonly ops: readonly PatchOp[];
}

interface PendingUpdate {
  readonly messageId: number;
  readonly from: number;
  readonly ops: readonly PatchOp[];
}

export interface TrackerOptions {
  /** Versions kept per session (older ones are forgotten). */
  readonly keepVersions?: number;
  readonly strategies?: Readonly<Record<string, Strategy>>;
  /** Conflict rows kept overall. */
  readonly keepConflicts?: number;
}

/** The states live in a StateTimeline (shared with replay); this adds what the wire tells about each version. */
class SessionTimeline {
  readonly states: StateTimeline;
  readonly info: VersionInfo[] = [];
  readonly pending = new Map<number, PendingUpdate>();
  gaps = 0;

  constructor(private readonly keep: number) {
    this.states = new StateTimeline({ capacity: keep });
  }

  note(v: VersionInfo): void {
    this.info.push(v);
    if (this.info.length > this.keep) this.info.splice(0, this.info.length - this.keep);
  }
}

export class StateTracker extends EventEmitter<{ version: [number, StateVersionRow]; conflict: [ConflictRow] }> {
  private readonly sessions = new Map<number, SessionTimeline>();
  private readonly conflicts: ConflictRow[] = [];
  private nextConflict = 1;
  private readonly table;
  private readonly keep: number;
  private readonly keepConflicts: number;

  constructor(opts: TrackerOptions = {}) {
    super();
    this.keep = opts.keepVersions ?? 2000;
    this.keepConflicts = opts.keepConflicts ?? 10_000;
    this.table = strategyTable(opts.strategies);
  }

  private timeline(session: number): SessionTimeline {
    let t = this.sessions.get(session);
    if (!t) this.sessions.set(session, (t = new SessionTimeline(this.keep)));
    return t;
  }

  forget(session: number): void {
    this.sessions.delete(session);
  }

  /** Feeds one proxied message. */
  onRecord(r: MessageRecord): void {
    if (r.dialect !== 'up2' || r.body === undefined || r.error) return;
    const body = r.body as Record<string, unknown>;
    const isResponse = r.flags.includes('RESPONSE');
    if (r.dir === 's2c' && r.type === 'GAME_STATE_SYNC') {
      this.snapshot(r, body);
    } else if (r.dir === 's2c' && r.type === 'GAME_STATE_UPDATE') {
      if (Array.isArray(body.ops)) this.batch(r, body as { from: number; to: number; ops: PatchOp[] });
      else if (isResponse && r.pairId !== undefined) this.acknowledged(r.session, r.pairId);
    } else if (r.dir === 'c2s' && r.type === 'GAME_STATE_UPDATE' && !isResponse && Array.isArray(body.ops)) {
      this.clientUpdate(r, body as { from: number; ops: PatchOp[] });
    }
  }

  private snapshot(r: MessageRecord, body: Record<string, unknown>): void {
    const t = this.timeline(r.session);
    const out = t.states.applySnapshot(body as never);
    if (out.status === 'applied') this.addVersion(r, t, out.version, 'snapshot', []);
  }

  private batch(r: MessageRecord, body: { from: number; to: number; ops: PatchOp[] }): void {
    const t = this.timeline(r.session);
    // Concurrency: client updates not yet acknowledged that touch what these server ops touch.
    for (const p of t.pending.values()) {
      for (const c of p.ops) {
        for (const s of body.ops) {
          if (!opsOverlap(c, s) || sameStamp(c, s)) continue;
          this.conflict(r.session, c, s, [p.messageId, r.id]);
        }
      }
    }
    const out = t.states.applyBatch(body);
    if (out.status === 'applied') this.addVersion(r, t, out.version, 'batch', body.ops);
    else if (out.status === 'gap') t.gaps++;
  }

  private clientUpdate(r: MessageRecord, body: { from: number; ops: PatchOp[] }): void {
    const t = this.timeline(r.session);
    t.pending.set(r.id, { messageId: r.id, from: body.from, ops: body.ops });
    // Server ops the client had not seen when it wrote (versions after its `from`).
    for (const v of t.info) {
      if (v.row.version <= body.from || v.row.kind === 'snapshot') continue;
      for (const s of v.ops) for (const c of body.ops) if (opsOverlap(c, s) && !sameStamp(c, s)) this.conflict(r.session, c, s, [r.id, v.row.messageId]);
    }
  }

  private acknowledged(session: number, requestId: number): void {
    this.sessions.get(session)?.pending.delete(requestId);
  }

  private addVersion(r: MessageRecord, t: SessionTimeline, version: number, kind: StateVersionRow['kind'], ops: readonly PatchOp[]): void {
    const row: StateVersionRow = { version, at: r.time, kind, ops: ops.length, messageId: r.id };
    t.note({ row, ops });
    this.emit('version', r.session, row);
  }

  private conflict(session: number, client: PatchOp, server: PatchOp, messageIds: number[]): void {
    const strategy = this.table.lookup(client.path) as StrategyName;
    const all = decideAll(client, server);
    const wouldDecide = Object.fromEntries(STRATEGIES.map((s) => [s, all[s].winner])) as Record<StrategyName, string>;
    const row: ConflictRow = {
      id: this.nextConflict++,
      session,
      path: client.path,
      clientValue: client.op === 'remove' ? null : client.value,
      serverValue: server.op === 'remove' ? null : server.value,
      clientTs: client.ts,
      serverTs: server.ts,
      strategy,
      outcome: wouldDecide[strategy],
      wouldDecide,
      at: Date.now(),
      messageIds,
    };
    this.conflicts.push(row);
    if (this.conflicts.length > this.keepConflicts) this.conflicts.shift();
    this.emit('conflict', row);
  }

  versions(session: number): StateVersionRow[] {
    return this.sessions.get(session)?.info.map((v) => v.row) ?? [];
  }

  stateVersion(session: number): number | null {
    return this.sessions.get(session)?.states.latest ?? null;
  }

  at(session: number, version: number): JsonValue | undefined {
    return this.sessions.get(session)?.states.at(version);
  }

  /** The ops that turn version `from` into version `to` (any two held versions, either order). */
  diff(session: number, from: number, to: number): StateOp[] | null {
    const ops = this.sessions.get(session)?.states.diff(from, to);
    if (!ops) return null;
    return ops.map((op) => (op.op === 'remove' ? { op: op.op, path: op.path } : { op: op.op, path: op.path, value: op.value }));
  }

  listConflicts(filter: { session?: number; pathPrefix?: string } = {}): ConflictRow[] {
    return this.conflicts.filter(
      (c) => (filter.session === undefined || c.session === filter.session) && (!filter.pathPrefix || c.path.startsWith(filter.pathPrefix)),
    );
  }
}

const sameStamp = (a: PatchOp, b: PatchOp): boolean =>
  a.ts.wall === b.ts.wall && a.ts.counter === b.ts.counter && a.ts.node === b.ts.node && a.path === b.path;
