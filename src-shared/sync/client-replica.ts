/**
 * The OTClient side of state sync: a replica of the server's tree plus the
 * client's own changes on top.
 *
 * Two layers. `confirmed` is the server's tree at `version`, built only from
 * what the server sent (batches and snapshots). The client's changes not yet
 * settled — queued, sent, or accepted but not yet seen back in the batch
 * stream — are kept as pending ops, and `state` is `confirmed` with them
 * applied on top. The server sends accepted client ops back in its batches
 * (matched here by their stamps), so once everything is delivered and
 * acknowledged, nothing is pending and `state` is exactly the server's tree.
 *
 * When a server op arrives for a path with a pending op of ours (same path,
 * parent or child), the strategy for that path decides, exactly as the server
 * decides for the same pair (see strategy.ts): a pending op that loses is
 * dropped (if not sent yet) or hidden until the server's verdict arrives;
 * one that is merged carries the merged value.
 */
import { Emitter, type ListenerErrorReporter } from '../events/emitter';
import { type PatchOp } from '../protocol/catalogue';
import { Priority } from '../protocol/constants';
import { Batcher, type BatchItem } from './batcher';
import { ConflictLog, resolveConflict, type ConflictRecord } from './conflicts';
import { checkedInitialState } from './game-state';
import { HybridClock, stampError, stampKey, type Clock } from './hlc';
import { checkValue, deepEqual, isPlainObject, limitsWith, type JsonObject, type JsonValue, type ValueLimits } from './json';
import { type StateAck, type StateBatch, type StateRequest, type StateSnapshot } from './messages';
import { applyOp, opShapeError, Patcher, type Op, type OpResult } from './ops';
import { footprint, opsOverlap } from './overlap';
import { getAt, pointerError } from './pointer';
import { Ownership } from './prefix';
import { isRetryable, reject, RejectCode, rejectCode } from './reasons';
import { type Scheduler } from './scheduler';
import { strategyTable, type Strategy } from './strategy';

export interface ClientSyncOptions {
  /** This client's node in stamps: unique among peers, never the server's. */
  readonly node: string;
  readonly now?: Clock;
  /** Drives the sync tick that sends queued changes. Without one, call `tick()` or `takeUpdate()`. */
  readonly scheduler?: Scheduler;
  readonly intervalMs?: number;
  /** Ops per update. Default 50 (use the handshake's batchSize). */
  readonly batchSize?: number;
  readonly maxBatchesPerTick?: number;
  /** Paths this client may write. Default ["/ui"]. Must match the server's setting. */
  readonly owned?: readonly string[];
  /** Must match the server's settings, or the two sides will disagree on conflicts until the server's verdict arrives. */
  readonly strategies?: Readonly<Record<string, Strategy>>;
  readonly fallbackStrategy?: Strategy;
  readonly conflictLogSize?: number;
  readonly limits?: Readonly<Partial<ValueLimits>>;
  /** Default emptyGameState(), like the server's. */
  readonly initialState?: JsonObject;
  readonly initialVersion?: number;
  readonly onListenerError?: ListenerErrorReporter;
}

/** A GAME_STATE_UPDATE request to send; pass `id` back to `acknowledge` with its response. */
export interface OutgoingUpdate {
  readonly id: number;
  readonly body: StateBatch;
  readonly priority: Priority;
}

export type BatchOutcome =
  | { readonly status: 'applied'; readonly conflicts: number }
  /** Already applied (a redelivery after a resume): ignored. */
  | { readonly status: 'stale' }
  /** Batches are missing. Send `request` as GAME_STATE_REQUEST (null: one is already outstanding). */
  | { readonly status: 'gap'; readonly request: StateRequest | null }
  /** The batch is malformed or does not apply to our tree: nothing changed; resynchronise with `request`. */
  | { readonly status: 'invalid'; readonly reason: string; readonly request: StateRequest | null };

export interface ClientSyncEvents {
  /** An update to send (from the tick, or at once for CRITICAL changes). Only emitted while someone listens. */
  update: OutgoingUpdate;
  conflict: ConflictRecord;
  /** A change of ours that will not take effect, and why. */
  rejected: { readonly op: PatchOp; readonly reason: string };
  /** `state` changed (local change, batch, snapshot, or a verdict). */
  change: { readonly state: JsonObject; readonly version: number };
}

/** queued: not sent yet; sent: awaiting its acknowledgement; acked: accepted, awaiting its echo in the batch stream. */
export type PendingPhase = 'queued' | 'sent' | 'acked';
type Phase = PendingPhase;

interface PendingOp extends BatchItem {
  op: PatchOp;
  readonly key: string;
  readonly priority: Priority;
  phase: Phase;
  /** Lost a conflict after it was sent: hidden from `state` until the server's verdict. */
  lost: boolean;
}

export class ClientSyncReplica {
  readonly node: string;
  readonly conflicts: ConflictLog;
  /** Stamps our changes; receives the server's stamps. */
  readonly clock: HybridClock;
  private confirmedRoot: JsonObject;
  private visible: JsonObject;
  private ver: number;
  private readonly pending: PendingOp[] = [];
  private readonly byKey = new Map<string, PendingOp>();
  private readonly inFlight = new Map<number, PendingOp[]>();
  private nextUpdateId = 1;
  private awaiting: StateRequest | null = null;
  private readonly now: Clock;
  private readonly limits: ValueLimits;
  private readonly ownership: Ownership;
  private readonly strategies;
  private readonly batcher: Batcher<PendingOp>;
  private readonly events: Emitter<ClientSyncEvents>;
  private readonly stopTicks: (() => void) | null;

  constructor(options: ClientSyncOptions) {
    this.node = options.node;
    this.now = options.now ?? Date.now;
    this.clock = new HybridClock(this.node, this.now);
    this.limits = limitsWith(options.limits);
    this.ownership = new Ownership(options.owned ?? ['/ui']);
    this.strategies = strategyTable(options.strategies, options.fallbackStrategy);
    this.confirmedRoot = checkedInitialState(options.initialState, this.limits);
    this.visible = this.confirmedRoot;
    this.ver = options.initialVersion ?? 0;
    this.conflicts = new ConflictLog(options.conflictLogSize ?? 1000);
    this.events = new Emitter(options.onListenerError);
    this.batcher = new Batcher<PendingOp>({
      batchSize: options.batchSize,
      maxBatchesPerTick: options.maxBatchesPerTick,
      autoFlushCritical: false,
      onBatch: (items, priority) => this.events.emit('update', this.dispatch(items, priority)),
      onDrop: (dropped) => this.forget(dropped),
    });
    this.stopTicks = options.scheduler ? options.scheduler.every(options.intervalMs ?? 100, () => this.tick()) : null;
  }

  /** The server's tree with our unsettled changes on top: what the client shows. */
  get state(): JsonObject {
    return this.visible;
  }

  /** The server's tree at `version`, without our unsettled changes. */
  get confirmed(): JsonObject {
    return this.confirmedRoot;
  }

  /** The last server version applied: `stateVersion` for a resume, `since` for a request. */
  get version(): number {
    return this.ver;
  }

  /** Changes of ours not yet settled. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** Changes queued and not yet sent. */
  get queuedCount(): number {
    return this.batcher.size;
  }

  /** Updates sent and not yet acknowledged. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Our unsettled changes, oldest first: what each is, and where it stands. */
  pendingOps(): readonly { readonly op: PatchOp; readonly phase: Phase; readonly lost: boolean }[] {
    return this.pending.map((e) => ({ op: e.op, phase: e.phase, lost: e.lost }));
  }

  /** The GAME_STATE_REQUEST this replica is waiting on, if any. */
  get awaitingResync(): StateRequest | null {
    return this.awaiting;
  }

  on<K extends keyof ClientSyncEvents>(event: K, listener: (payload: ClientSyncEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  // ---- local changes ------------------------------------------------------

  /** `replace` when `path` exists in `state`, else `add`. */
  set(path: string, value: JsonValue, priority?: Priority): OpResult {
    const exists = !pointerError(path) && path !== '' && getAt(this.visible, path) !== undefined;
    return this.change({ op: exists ? 'replace' : 'add', path, value }, priority);
  }

  /** RFC 6902 add (inserts into arrays; "-" appends). */
  add(path: string, value: JsonValue, priority?: Priority): OpResult {
    return this.change({ op: 'add', path, value }, priority);
  }

  remove(path: string, priority?: Priority): OpResult {
    return this.change({ op: 'remove', path }, priority);
  }

  /**
   * A local change to a client-owned path: applied to `state` at once,
   * stamped, and queued for the server. Refused (nothing changes) when the
   * path is not ours or the op does not apply to `state`.
   */
  change(op: Op, priority: Priority = Priority.NORMAL): OpResult {
    const shape = opShapeError(op);
    if (shape) return { ok: false, reason: reject(RejectCode.INVALID, shape) };
    const forbidden = this.ownership.check(op.path);
    if (forbidden) return { ok: false, reason: forbidden };
    const ts = this.clock.now();
    const stamped: PatchOp = op.op === 'remove' ? { op: 'remove', path: op.path, ts } : { op: op.op, path: op.path, value: op.value, ts };
    const r = applyOp(this.visible, stamped, { limits: this.limits });
    if (!r.result.ok) return { ok: false, reason: reject(RejectCode.INVALID, r.result.reason) };
    const entry: PendingOp = { op: stamped, key: stampKey(ts), priority, phase: 'queued', lost: false };
    this.pending.push(entry);
    this.byKey.set(entry.key, entry);
    this.visible = r.state as JsonObject;
    this.batcher.push(entry, priority);
    if (priority === Priority.CRITICAL && this.events.has('update')) this.batcher.flushCritical();
    this.changed();
    return r.result;
  }

  // ---- sending ------------------------------------------------------------

  /** One sync tick: emits queued changes as `update` events. Does nothing while no one listens. */
  tick(): number {
    return this.events.has('update') ? this.batcher.tick() : 0;
  }

  /** The next update to send (up to batchSize ops), or null when nothing is queued. */
  takeUpdate(): OutgoingUpdate | null {
    const b = this.batcher.take();
    return b ? this.dispatch(b.items, b.priority) : null;
  }

  /**
   * The server's RESPONSE to update `id`. Accepted ops wait to be seen in
   * the batch stream; rejected ones are dropped (and reported), except that
   * STALE / BAD_VERSION ones are queued again and a resync is requested.
   */
  acknowledge(id: number, ack: StateAck): { readonly known: boolean; readonly request: StateRequest | null } {
    const items = this.inFlight.get(id);
    if (!items) return { known: false, request: null };
    this.inFlight.delete(id);
    const verdicts = new Map<PendingOp, string>();
    for (const r of Array.isArray(ack?.rejected) ? ack.rejected : []) {
      if (!isPlainObject(r)) continue;
      const byIndex = Number.isSafeInteger(r.index) ? items[r.index as number] : undefined;
      const e = byIndex && byIndex.op.path === r.path ? byIndex : items.find((x) => x.op.path === r.path && !verdicts.has(x));
      if (e && !verdicts.has(e)) verdicts.set(e, String(r.reason));
    }
    let retry: StateRequest | null = null;
    const again: PendingOp[] = [];
    for (const e of items) {
      if (!this.byKey.has(e.key)) continue; // settled already (seen back in a batch)
      const reason = verdicts.get(e);
      if (reason === undefined) {
        e.phase = 'acked';
        continue;
      }
      const code = rejectCode(reason);
      if (code === RejectCode.DUPLICATE) this.forget(e);
      else if (isRetryable(code)) {
        e.phase = 'queued';
        e.lost = false;
        again.push(e);
        retry = code === RejectCode.BAD_VERSION ? {} : { since: this.ver };
      } else {
        this.forget(e);
        this.events.emit('rejected', { op: e.op, reason });
      }
    }
    this.batcher.requeue(again.map((item) => ({ item, priority: item.priority })));
    this.rebase();
    return { known: true, request: retry ? this.ask(retry) : null };
  }

  /**
   * Update `id` got no answer (the request timed out, or a fault dropped it):
   * its ops are queued again, to be resent with their original stamps.
   */
  updateLost(id: number): boolean {
    const items = this.inFlight.get(id);
    if (!items) return false;
    this.inFlight.delete(id);
    this.requeueSent(items);
    return true;
  }

  /**
   * The connection dropped: updates in flight may never have arrived, so
   * their ops are queued again (the server recognises resent ops by their
   * stamps). Ops that lost a conflict while in flight are dropped: the
   * server's log, or the snapshot, carries whatever it decided.
   */
  connectionLost(): void {
    const items = [...this.inFlight.values()].flat();
    this.inFlight.clear();
    this.awaiting = null;
    this.requeueSent(items);
  }

  /**
   * A request for what came after our version, for a peer that suspects it
   * missed batches with nothing after them to show the gap (a fault dropped
   * the last one): send it now and then, e.g. when accepted changes stay
   * unconfirmed. Null if a request is outstanding.
   */
  requestCatchUp(): StateRequest | null {
    return this.ask({ since: this.ver });
  }

  /** A request for a full snapshot (to resynchronise on demand); null if a request is outstanding. */
  requestSnapshot(): StateRequest | null {
    return this.ask({});
  }

  /** Forget the outstanding request (it timed out or its connection dropped), so the next gap asks again. */
  cancelResync(): void {
    this.awaiting = null;
  }

  // ---- receiving ----------------------------------------------------------

  /** A GAME_STATE_UPDATE from the server (a push, or a catch-up answering a request). */
  applyBatch(batch: StateBatch): BatchOutcome {
    const shape = batchError(batch);
    if (shape) return { status: 'invalid', reason: shape, request: this.ask({}) };
    if (batch.from !== this.ver) {
      if (batch.to <= this.ver) return { status: 'stale' };
      return { status: 'gap', request: this.ask({ since: this.ver }) };
    }

    const p = new Patcher(this.confirmedRoot, { limits: this.limits });
    // Decisions are made on a scratch copy and kept only if the whole batch applies.
    const work = new Map<PendingOp, { op: PatchOp; lost: boolean }>();
    for (const e of this.pending) work.set(e, { op: e.op, lost: e.lost });
    const settled: PendingOp[] = [];
    const records: ConflictRecord[] = [];
    for (const op of batch.ops) {
      const bad = opShapeError(op) ?? stampError(op.ts);
      if (bad) return { status: 'invalid', reason: `batch ${batch.from}→${batch.to}: ${bad}`, request: this.ask({}) };
      if (op.ts.node === this.node) {
        const mine = this.byKey.get(stampKey(op.ts));
        if (mine && work.has(mine)) {
          work.delete(mine);
          settled.push(mine);
        }
      } else {
        this.clock.receive(op.ts);
        for (const w of work.values()) {
          if (w.lost || !opsOverlap(w.op, op)) continue;
          const record = resolveConflict('client', this.strategies.lookup(w.op.path), w.op, op, this.now(), this.ver);
          records.push(record);
          if (record.result) w.op = record.result;
          else w.lost = true;
        }
      }
      const r = p.apply(op);
      if (!r.ok) return { status: 'invalid', reason: `batch ${batch.from}→${batch.to} does not apply: ${r.reason}`, request: this.ask({}) };
    }

    this.confirmedRoot = p.state as JsonObject;
    this.ver = batch.to;
    this.awaiting = null;
    for (const e of settled) this.forget(e);
    this.commit(work, 'a concurrent server op won');
    for (const r of records) this.record(r);
    this.rebase();
    return { status: 'applied', conflicts: records.length };
  }

  /**
   * A GAME_STATE_SYNC. Replaces the confirmed tree. Our accepted ops are in
   * it already; each other pending op whose part of the tree the snapshot
   * changed is a conflict with the snapshot's value there. A snapshot has no
   * stamps, so for LAST_WRITE_WINS it counts as written when it arrived.
   */
  applySnapshot(snapshot: StateSnapshot): { readonly status: 'applied' | 'stale'; readonly conflicts: number } | { readonly status: 'invalid'; readonly reason: string } {
    if (!isPlainObject(snapshot) || !Number.isSafeInteger(snapshot.version) || snapshot.version < 0) {
      return { status: 'invalid', reason: 'a snapshot needs a non-negative integer version' };
    }
    if (!isPlainObject(snapshot.state)) return { status: 'invalid', reason: 'a snapshot state must be an object' };
    const bad = checkValue(snapshot.state, this.limits.maxDepth, { ...this.limits, maxNodes: Infinity });
    if (bad) return { status: 'invalid', reason: `snapshot: ${bad}` };
    if (snapshot.version < this.ver) return { status: 'stale', conflicts: 0 };

    const ts = this.clock.now();
    const work = new Map<PendingOp, { op: PatchOp; lost: boolean }>();
    const records: ConflictRecord[] = [];
    for (const e of [...this.pending]) {
      if (e.phase === 'acked') {
        this.forget(e);
        continue;
      }
      const w = { op: e.op, lost: e.lost };
      work.set(e, w);
      if (w.lost) continue;
      const at = footprint(w.op);
      const before = getAt(this.confirmedRoot, at);
      const after = getAt(snapshot.state, at);
      if (deepEqual(before, after)) continue;
      const remote: PatchOp = after === undefined ? { op: 'remove', path: at, ts } : { op: 'replace', path: at, value: after, ts };
      const record = resolveConflict('client', this.strategies.lookup(w.op.path), w.op, remote, this.now(), this.ver);
      records.push(record);
      if (record.result) w.op = record.result;
      else w.lost = true;
    }
    this.confirmedRoot = snapshot.state;
    this.ver = snapshot.version;
    this.awaiting = null;
    this.commit(work, 'the snapshot won');
    for (const r of records) this.record(r);
    this.rebase();
    return { status: 'applied', conflicts: records.length };
  }

  /** Stops the scheduled ticks. */
  dispose(): void {
    this.stopTicks?.();
    this.batcher.stop();
  }

  // ---- internals ----------------------------------------------------------

  private requeueSent(items: readonly PendingOp[]): void {
    const again: PendingOp[] = [];
    for (const e of items) {
      if (!this.byKey.has(e.key) || e.phase !== 'sent') continue;
      if (e.lost) this.forget(e);
      else {
        e.phase = 'queued';
        again.push(e);
      }
    }
    this.batcher.requeue(again.map((item) => ({ item, priority: item.priority })));
    this.rebase();
  }

  private dispatch(items: PendingOp[], priority: Priority): OutgoingUpdate {
    const id = this.nextUpdateId++;
    for (const e of items) e.phase = 'sent';
    this.inFlight.set(id, items);
    return { id, body: { from: this.ver, to: this.ver, ops: items.map((e) => e.op) }, priority };
  }

  /** Keeps the decisions made on scratch copies: rewritten ops, and losers dropped or hidden. */
  private commit(work: Map<PendingOp, { op: PatchOp; lost: boolean }>, why: string): void {
    for (const [e, w] of work) {
      if (!this.byKey.has(e.key)) continue;
      e.op = w.op;
      if (!w.lost || e.lost) continue;
      if (e.phase === 'queued') {
        this.forget(e);
        this.events.emit('rejected', { op: e.op, reason: reject(RejectCode.CONFLICT, why) });
      } else {
        e.lost = true;
      }
    }
  }

  /** Recomputes `state` = confirmed + pending ops; a queued op that no longer applies is dropped. */
  private rebase(): void {
    let next: JsonObject = this.confirmedRoot;
    if (this.pending.length > 0) {
      const p = new Patcher(this.confirmedRoot, { limits: this.limits });
      for (const e of [...this.pending]) {
        if (e.lost) continue;
        const r = p.apply(e.op);
        if (!r.ok && e.phase === 'queued') {
          this.forget(e);
          this.events.emit('rejected', { op: e.op, reason: reject(RejectCode.INVALID, `no longer applies: ${r.reason}`) });
        }
        // A sent op that does not apply stays pending: the server's verdict settles it.
      }
      next = p.state as JsonObject;
    }
    if (next !== this.visible) {
      this.visible = next;
      this.changed();
    }
  }

  private forget(e: PendingOp): void {
    if (this.byKey.get(e.key) !== e) return;
    this.byKey.delete(e.key);
    const i = this.pending.indexOf(e);
    if (i >= 0) this.pending.splice(i, 1);
    if (e.phase === 'queued') this.batcher.remove(e);
  }

  private ask(request: StateRequest): StateRequest | null {
    if (this.awaiting) return null;
    this.awaiting = request;
    return request;
  }

  private record(r: ConflictRecord): void {
    this.conflicts.add(r);
    this.events.emit('conflict', r);
  }

  private changed(): void {
    this.events.emit('change', { state: this.visible, version: this.ver });
  }
}

function batchError(b: StateBatch): string | null {
  if (!isPlainObject(b)) return 'a batch must be an object';
  if (!Number.isSafeInteger(b.from) || b.from < 0 || !Number.isSafeInteger(b.to) || b.to < b.from) return 'a batch needs integers 0 ≤ from ≤ to';
  if (!Array.isArray(b.ops)) return 'a batch needs an ops array';
  return null;
}
