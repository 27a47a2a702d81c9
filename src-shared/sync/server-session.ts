/**
 * The Canary side of state sync for one session: the authoritative tree,
 * its `version`, the batches that carry server changes to the client, and
 * the handling of the client's own updates (ownership, conflicts, acks).
 *
 * The log is the contract. Every change to the server's tree — its own ops
 * and the client ops it accepts — goes out in the batch stream, client ops
 * included (as sent back, with the client's stamp), so replaying the batches
 * rebuilds the tree exactly: that is how the client converges, how a
 * catch-up is answered, and how the proxy reconstructs a session.
 *
 * Transport-agnostic: the peer sends what `on('batch')` hands it, passes
 * received bodies to `handleUpdate` / `answerRequest`, and sends what they
 * return. Nothing here reads a clock or starts a timer that was not given.
 */
import { Emitter, type ListenerErrorReporter } from '../events/emitter';
import { BoundedMap } from '../events/bounded';
import { type PatchOp } from '../protocol/catalogue';
import { Priority } from '../protocol/constants';
import { Batcher } from './batcher';
import { ConflictLog, resolveConflict, type ConflictRecord } from './conflicts';
import { diff } from './diff';
import { checkedInitialState } from './game-state';
import { BatchHistory } from './history';
import { HybridClock, stampError, stampKey, type Clock, type HlcStamp } from './hlc';
import { hasOwn, isPlainObject, limitsWith, type JsonObject, type JsonValue, type ValueLimits } from './json';
import { type CatchUp, type RejectedOp, type StateAck, type StateBatch, type StateRequest, type StateSnapshot } from './messages';
import { opShapeError, Patcher, type Op, type OpResult } from './ops';
import { opsOverlap } from './overlap';
import { child, pointerError, splitPointer } from './pointer';
import { Ownership } from './prefix';
import { reject, RejectCode } from './reasons';
import { type Scheduler } from './scheduler';
import { strategyTable, type Strategy } from './strategy';

export interface ServerSyncOptions {
  /** This peer's node in stamps. Default "server". */
  readonly node?: string;
  /** Wall clock for stamps and records. Default Date.now. */
  readonly now?: Clock;
  /** Drives the sync tick. Without one, call `tick()` (e.g. from one timer shared by all sessions). */
  readonly scheduler?: Scheduler;
  /** Default 100 ms (spec). */
  readonly intervalMs?: number;
  /** Ops per batch, and per client update. Default 50 (spec). */
  readonly batchSize?: number;
  /** Batches one tick may send; the rest wait. Default: no limit. */
  readonly maxBatchesPerTick?: number;
  /**
   * Batches kept to answer "since n" with updates and to find the server ops
   * a client had not seen. Default 100 (10 s at 10 batches/s: resumes after
   * the spec's retries, and any normal lag); older requests get a snapshot.
   */
  readonly historyBatches?: number;
  /** Ops kept across those batches, whichever limit comes first (memory is per op). Default 1000. */
  readonly historyOps?: number;
  /** Paths the client may write, each with everything under it. Default ["/ui"] (spec §5.1). */
  readonly owned?: readonly string[];
  /** Strategy per path prefix, over the defaults (player, world → SERVER_WINS; ui → CLIENT_WINS). */
  readonly strategies?: Readonly<Record<string, Strategy>>;
  /** Strategy outside every prefix. Default LAST_WRITE_WINS. */
  readonly fallbackStrategy?: Strategy;
  /** If set, client stamps must carry this node. */
  readonly clientNode?: string;
  /** Refuse client stamps more than this far ahead of our clock (a client must not win every LWW by lying). Default 60 000. */
  readonly maxClockAheadMs?: number;
  /** Client op stamps remembered to answer resent updates idempotently. Default 10 000. */
  readonly dedupeWindow?: number;
  /** Conflict records kept. Default 1000. */
  readonly conflictLogSize?: number;
  readonly limits?: Readonly<Partial<ValueLimits>>;
  /** Default emptyGameState(). */
  readonly initialState?: JsonObject;
  /** Default 0. */
  readonly initialVersion?: number;
  readonly onListenerError?: ListenerErrorReporter;
}

/**
 * The tables of the defaults, one for every session that does not set its
 * own: both are read-only, and a server holds one session per player
 * (six small arrays and two tables each, ~0.5 KB).
 */
const DEFAULT_OWNERSHIP = new Ownership(['/ui']);
const DEFAULT_STRATEGY_TABLE = strategyTable();

export interface ServerSyncEvents {
  /** A batch to send as GAME_STATE_UPDATE (a push), with the frame priority of its most urgent op. */
  batch: { readonly batch: StateBatch; readonly priority: Priority };
  conflict: ConflictRecord;
}

interface QueuedOp {
  op: PatchOp;
  /** False for accepted client ops: each must reach the client, which waits to see it come back. */
  readonly coalescable: boolean;
}

export class ServerSyncSession {
  readonly node: string;
  readonly conflicts: ConflictLog;
  readonly batchSize: number;
  /** Stamps server ops; receives client stamps. */
  readonly clock: HybridClock;
  private root: JsonObject;
  private ver: number;
  private readonly now: Clock;
  private readonly limits: ValueLimits;
  private readonly ownership: Ownership;
  private readonly strategies;
  private readonly history: BatchHistory;
  private readonly batcher: Batcher<QueuedOp>;
  /** Final outcome per client stamp (null: applied), keyed by `outcomeKey`. */
  private readonly outcomes: BoundedMap<number | string, string | null>;
  /** The client node whose stamps are keyed by number; fixed at the first client op, so a stamp always gets the same key. */
  private numericNode: string | null;
  private readonly events: Emitter<ServerSyncEvents>;
  private readonly stopTicks: (() => void) | null;

  constructor(private readonly opts: ServerSyncOptions = {}) {
    this.node = opts.node ?? 'server';
    this.now = opts.now ?? Date.now;
    this.clock = new HybridClock(this.node, this.now);
    this.limits = limitsWith(opts.limits);
    this.ownership = opts.owned ? new Ownership(opts.owned) : DEFAULT_OWNERSHIP;
    this.strategies = opts.strategies || opts.fallbackStrategy ? strategyTable(opts.strategies, opts.fallbackStrategy) : DEFAULT_STRATEGY_TABLE;
    this.root = checkedInitialState(opts.initialState, this.limits);
    this.ver = opts.initialVersion ?? 0;
    this.history = new BatchHistory(opts.historyBatches ?? 100, this.ver, opts.historyOps ?? 1000);
    this.outcomes = new BoundedMap(opts.dedupeWindow ?? 10_000);
    this.numericNode = opts.clientNode ?? null;
    this.conflicts = new ConflictLog(opts.conflictLogSize ?? 1000);
    this.events = new Emitter(opts.onListenerError);
    this.batcher = new Batcher<QueuedOp>({
      batchSize: opts.batchSize,
      maxBatchesPerTick: opts.maxBatchesPerTick,
      onBatch: (items, priority) => this.send(items, priority),
    });
    this.batchSize = this.batcher.batchSize;
    this.stopTicks = opts.scheduler ? opts.scheduler.every(opts.intervalMs ?? 100, () => this.tick()) : null;
  }

  /** The authoritative tree (queued ops included). Never mutated: keep it as a version. */
  get state(): JsonObject {
    return this.root;
  }

  /** Batches sent so far (spec: "counts the server's applied batches"). */
  get version(): number {
    return this.ver;
  }

  /** Ops waiting for the next tick. */
  get queued(): number {
    return this.batcher.size;
  }

  /** The oldest `since` that can be answered with updates rather than a snapshot. */
  get oldestVersion(): number {
    return this.history.oldest;
  }

  on<K extends keyof ServerSyncEvents>(event: K, listener: (payload: ServerSyncEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  /**
   * Applies server-originated ops now and queues them for the client. Each
   * op is stamped and applied in order; a rejected op changes nothing and is
   * not sent. CRITICAL ops go out before this returns.
   */
  push(ops: readonly Op[], priority: Priority = Priority.NORMAL): OpResult[] {
    const p = new Patcher(this.root, { limits: this.limits });
    const results: OpResult[] = [];
    const queued: QueuedOp[] = [];
    for (const op of ops) {
      if (typeof op !== 'object' || op === null) {
        results.push({ ok: false, reason: 'an op must be an object' });
        continue;
      }
      const ts = this.clock.now();
      const stamped: PatchOp = op.op === 'remove' ? { op: 'remove', path: op.path, ts } : { op: op.op, path: op.path, value: op.value, ts };
      const r = p.apply(stamped);
      results.push(r);
      if (r.ok) queued.push({ op: stamped, coalescable: true });
    }
    this.root = p.state as JsonObject;
    this.batcher.pushAll(queued, priority);
    return results;
  }

  /** `replace` when `path` exists, else `add`. */
  set(path: string, value: JsonValue, priority?: Priority): OpResult {
    const exists = !pointerError(path) && path !== '' && getExisting(this.root, path);
    return this.push([{ op: exists ? 'replace' : 'add', path, value }], priority)[0]!;
  }

  add(path: string, value: JsonValue, priority?: Priority): OpResult {
    return this.push([{ op: 'add', path, value }], priority)[0]!;
  }

  remove(path: string, priority?: Priority): OpResult {
    return this.push([{ op: 'remove', path }], priority)[0]!;
  }

  /** Pushes whatever turns the current tree into `next` (game logic that computes whole states). */
  replaceState(next: JsonObject, priority?: Priority): OpResult[] {
    return this.push(diff(this.root, next), priority);
  }

  /** One sync tick: sends queued ops as batches. Returns the number of batches. */
  tick(): number {
    return this.batcher.tick();
  }

  /** Sends everything queued now, whatever the per-tick limit. */
  flush(): number {
    return this.batcher.flushAll();
  }

  /**
   * A client's GAME_STATE_UPDATE. Returns the acknowledgement to send as its
   * RESPONSE. Ops are taken in order; each is applied, or rejected with a
   * coded reason (see reasons.ts) without touching the tree.
   */
  handleUpdate(body: unknown, priority: Priority = Priority.NORMAL): StateAck {
    const rejected: RejectedOp[] = [];
    if (!isPlainObject(body) || !Array.isArray(body.ops)) {
      return { version: this.ver, applied: 0, rejected: [{ path: '', reason: reject(RejectCode.INVALID, 'not a GAME_STATE_UPDATE body') }] };
    }
    const ops = body.ops as readonly unknown[];
    const from = body.from;
    let versionProblem: string | null = null;
    let unseen: PatchOp[] | null = null;
    if (typeof from !== 'number' || !Number.isSafeInteger(from) || from < 0) versionProblem = reject(RejectCode.INVALID, '`from` must be a non-negative integer');
    else if (from > this.ver) versionProblem = reject(RejectCode.BAD_VERSION, `from ${from} is ahead of the server's version ${this.ver}`);
    else {
      unseen = this.unseenBy(from);
      if (!unseen) versionProblem = reject(RejectCode.STALE, `from ${from} is older than the server's history (oldest ${this.history.oldest})`);
    }

    const p = new Patcher(this.root, { limits: this.limits });
    const echoes: QueuedOp[] = [];
    let applied = 0;
    for (let i = 0; i < ops.length; i++) {
      const raw = ops[i];
      const path = isPlainObject(raw) && typeof raw.path === 'string' ? raw.path : '';
      const reason = i >= this.batchSize ? reject(RejectCode.LIMIT, `an update carries at most ${this.batchSize} ops`) : this.accept(raw, versionProblem, unseen, p);
      if (typeof reason === 'string') rejected.push({ path, reason, index: i });
      else {
        applied++;
        echoes.push({ op: reason, coalescable: false });
      }
    }
    this.root = p.state as JsonObject;
    this.batcher.pushAll(echoes, priority);
    return { version: this.ver, applied, rejected };
  }

  /**
   * A GAME_STATE_REQUEST, or a resume at `stateVersion` (`{since}`).
   * Everything queued is sent first, so the answer and the batch stream
   * agree; then: the ops since `since` as one batch when kept and at most
   * batchSize of them, else a snapshot. `paths` asks for a snapshot of
   * those subtrees only.
   */
  answerRequest(request: StateRequest = {}): CatchUp {
    this.flush();
    if (request.paths) return { kind: 'snapshot', snapshot: this.snapshot(request.paths) };
    const since = request.since;
    if (since === undefined || !Number.isSafeInteger(since)) return { kind: 'snapshot', snapshot: this.snapshot() };
    const count = this.history.countSince(since);
    if (count === null || count > this.batchSize) return { kind: 'snapshot', snapshot: this.snapshot() };
    return { kind: 'updates', batch: { from: since, to: this.ver, ops: this.history.since(since)! } };
  }

  /**
   * The tree at the current version as GAME_STATE_SYNC. Call after `flush()`
   * (answerRequest does) when queued ops must not be in it twice.
   */
  snapshot(paths?: readonly string[]): StateSnapshot {
    return { version: this.ver, state: paths ? prune(this.root, paths) : this.root };
  }

  /** Stops the scheduled ticks. Queued ops stay queued. */
  dispose(): void {
    this.stopTicks?.();
    this.batcher.stop();
  }

  /** The applied op, or the reason it was not. */
  private accept(raw: unknown, versionProblem: string | null, unseen: PatchOp[] | null, p: Patcher): PatchOp | string {
    const shape = opShapeError(raw) ?? stampError((raw as { ts?: unknown }).ts);
    if (shape) return reject(RejectCode.INVALID, shape);
    const c = normalise(raw as PatchOp);
    const key = this.outcomeKey(c.ts);
    const before = this.outcomes.get(key);
    if (before !== undefined) return before ?? reject(RejectCode.DUPLICATE, `op ${stampKey(c.ts)} was already applied`);
    const forbidden =
      c.ts.node === this.node || (this.opts.clientNode !== undefined && c.ts.node !== this.opts.clientNode)
        ? reject(RejectCode.FORBIDDEN, `stamp node "${c.ts.node}" is not this client's`)
        : this.ownership.check(c.path);
    if (forbidden) return this.settle(key, forbidden);
    const ahead = this.clock.aheadBy(c.ts);
    if (ahead > (this.opts.maxClockAheadMs ?? 60_000)) return reject(RejectCode.CLOCK, `stamp is ${ahead} ms ahead of the server's clock`);
    if (versionProblem) return versionProblem;
    this.clock.receive(c.ts);

    let op: PatchOp | null = c;
    const strategy = this.strategies.lookup(c.path);
    for (const s of unseen!) {
      // Accepted client ops sent back carry the client's stamp: they are its own, not conflicts.
      if (s.ts.node !== this.node || !opsOverlap(s, op)) continue;
      const record = resolveConflict('server', strategy, s, op, this.now(), this.ver);
      this.record(record);
      op = record.result;
      if (!op) return this.settle(key, reject(RejectCode.CONFLICT, `server op at ${s.path} won (${strategy})`));
    }
    const r = p.apply(op);
    if (!r.ok) return this.settle(key, reject(RejectCode.INVALID, r.reason));
    this.outcomes.set(key, null);
    return op;
  }

  /**
   * The dedupe key of a client stamp. For the session's client node (the
   * first one seen, or `clientNode`) it is the number wall·1024 + counter:
   * the string key is a chain of five concatenated pieces, and with it an
   * entry cost ~227 bytes on the reference server, most of an idle
   * session's dedupe window. Other nodes, and stamps the number cannot
   * hold exactly, keep the string key; numbers and strings never collide.
   */
  private outcomeKey(ts: HlcStamp): number | string {
    this.numericNode ??= ts.node;
    return ts.node === this.numericNode && ts.counter < 1024 && ts.wall < 2 ** 43 ? ts.wall * 1024 + ts.counter : stampKey(ts);
  }

  /** Remembers a final outcome, so a resend of the op gets the same answer. */
  private settle(key: number | string, reason: string): string {
    this.outcomes.set(key, reason);
    return reason;
  }

  /** Ops the client had not seen at `from`: sent after it, then queued, in send order. */
  private unseenBy(from: number): PatchOp[] | null {
    const sent = this.history.since(from);
    if (!sent) return null;
    for (const q of this.batcher.ordered()) sent.push(q.op);
    return sent;
  }

  private record(r: ConflictRecord): void {
    this.conflicts.add(r);
    this.events.emit('conflict', r);
  }

  private send(items: QueuedOp[], priority: Priority): void {
    const from = this.ver;
    this.ver = from + 1;
    // One array for the message and the history: both are read-only.
    const ops = items.map((i) => i.op);
    this.history.push(this.ver, ops);
    this.events.emit('batch', { batch: { from, to: this.ver, ops }, priority });
  }
}

/** Only the fields of an op, with a fresh stamp object: unknown members from the wire are not kept. */
function normalise(op: PatchOp): PatchOp {
  const ts = { wall: op.ts.wall, counter: op.ts.counter, node: op.ts.node };
  return op.op === 'remove' ? { op: 'remove', path: op.path, ts } : { op: op.op, path: op.path, value: op.value, ts };
}

function getExisting(root: JsonValue, path: string): boolean {
  let cur: JsonValue | undefined = root;
  for (const seg of splitPointer(path)) {
    cur = child(cur, seg);
    if (cur === undefined) return false;
  }
  return true;
}

/** A tree with only the given subtrees (and the objects leading to them). Arrays on the way are kept whole. */
function prune(root: JsonObject, paths: readonly string[]): JsonObject {
  const out: Record<string, JsonValue> = {};
  for (const path of paths) {
    if (pointerError(path)) continue;
    if (path === '') return root;
    const segs = splitPointer(path);
    let src: JsonValue = root;
    let dst: Record<string, JsonValue> = out;
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i]!;
      if (!isPlainObject(src) || !hasOwn(src, seg)) break;
      const next: JsonValue = src[seg]!;
      if (i === segs.length - 1 || !isPlainObject(next)) {
        dst[seg] = next;
        break;
      }
      const existing = dst[seg];
      if (existing === next) break;
      if (!isPlainObject(existing)) dst[seg] = {};
      dst = dst[seg] as Record<string, JsonValue>;
      src = next;
    }
  }
  return out;
}

