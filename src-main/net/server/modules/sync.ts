/**
 * State sync on the server (spec §5.1): one ServerSyncSession per logged-in
 * session, all ticked by one shared timer every 100 ms; batches pushed as
 * GAME_STATE_UPDATE, a snapshot at login, a catch-up on resume, the
 * client's updates acknowledged, GAME_STATE_REQUEST answered with updates or
 * a snapshot, and every conflict reported.
 */
import {
  MessageType,
  Timing,
  type BodyOf,
  type ResponseOf,
} from '../../../../src-shared/protocol';
import { ServerSyncSession, type ConflictRecord, type JsonObject, type Strategy, type CatchUp } from '../../../../src-shared/sync';
import type { UpServer } from '../server';
import type { ServerSession } from '../session';

export interface SyncModuleOptions {
  /** The state a new session starts from. */
  readonly initialState: (session: ServerSession) => JsonObject;
  readonly intervalMs?: number;
  readonly batchSize?: number;
  readonly strategies?: Readonly<Record<string, Strategy>>;
  readonly owned?: readonly string[];
  /**
   * Runs before every tick with the sessions about to be ticked (the game
   * refreshes what changed for them since their last tick; what changed for
   * the others can wait for their own turn).
   */
  readonly beforeTick?: (sessions: Iterable<ServerSession>) => void;
  /**
   * Sessions are ticked in this many groups, one group every
   * intervalMs / slices (default 1: all at once). Each session still gets a
   * batch every intervalMs, but with a thousand sessions the server's work
   * comes in small pieces instead of one burst that requests wait behind.
   * beforeTick runs before every group, with that group.
   */
  readonly slices?: number;
}

const KEY = 'sync';

export class SyncModule {
  private readonly timer: NodeJS.Timeout;
  private readonly conflictListeners = new Set<(session: ServerSession, c: ConflictRecord) => void>();
  private readonly started = new Set<(session: ServerSession, sync: ServerSyncSession) => void>();
  /** Sessions answering a resume: batches flushed by the catch-up are in it, not sent on their own. */
  private readonly catchingUp = new Set<ServerSession>();
  batchesSent = 0;
  private readonly slices: number;
  private readonly sliceMs: number;
  private slice = 0;
  /** When the next group is due (0: at the first timer). */
  private nextSliceAt = 0;
  /** Each session's group, given in turn at its start so that groups stay even. */
  private readonly sliceOf = new WeakMap<ServerSession, number>();
  /** The sessions of each slice: a slice's tick visits its own, not every session of the server. */
  private readonly groups: Set<ServerSession>[] = [];
  private sessionsStarted = 0;
  private disposed = false;

  constructor(
    private readonly server: UpServer,
    private readonly opts: SyncModuleOptions,
  ) {
    server.on('sessionStart', (s) => this.start(s));
    server.on('sessionResume', (s, since) => this.resume(s, since));
    server.on('sessionEnd', (s) => {
      this.of(s)?.dispose();
      const k = this.sliceOf.get(s);
      if (k !== undefined) this.groups[k]?.delete(s);
    });
    server.handle('GAME_STATE_UPDATE', (ctx) => {
      const sync = this.require(ctx.session);
      const ack = sync.handleUpdate(ctx.frame.body as BodyOf<'GAME_STATE_UPDATE'>);
      ctx.reply(MessageType.GAME_STATE_UPDATE, ack as ResponseOf<'GAME_STATE_UPDATE'>);
    });
    server.handle('GAME_STATE_REQUEST', (ctx) => {
      const sync = this.require(ctx.session);
      const answer = sync.answerRequest(ctx.frame.body as BodyOf<'GAME_STATE_REQUEST'>);
      if (answer.kind === 'snapshot') ctx.reply(MessageType.GAME_STATE_SYNC, answer.snapshot as ResponseOf<'GAME_STATE_SYNC'>);
      else ctx.reply(MessageType.GAME_STATE_UPDATE, answer.batch as ResponseOf<'GAME_STATE_UPDATE'>);
    });
    // One timer drives every session's sync tick.
    this.slices = Math.max(1, Math.floor(opts.slices ?? 1));
    for (let k = 0; k < this.slices; k++) this.groups.push(new Set());
    this.sliceMs = (opts.intervalMs ?? Timing.SYNC_INTERVAL_MS) / this.slices;
    this.timer = setInterval(() => this.tickSlice(), this.sliceMs);
    this.timer.unref();
  }

  of(session: ServerSession): ServerSyncSession | undefined {
    return session.ext.get(KEY) as ServerSyncSession | undefined;
  }

  private require(session: ServerSession): ServerSyncSession {
    const s = this.of(session);
    if (!s) throw new Error('no state for this session');
    return s;
  }

  onConflict(listener: (session: ServerSession, c: ConflictRecord) => void): () => void {
    this.conflictListeners.add(listener);
    return () => this.conflictListeners.delete(listener);
  }

  /** Called when a session's sync starts (the game fills in its state from here). */
  onStart(listener: (session: ServerSession, sync: ServerSyncSession) => void): () => void {
    this.started.add(listener);
    return () => this.started.delete(listener);
  }

  tickAll(): void {
    this.opts.beforeTick?.(this.server.sessions.values());
    for (const s of this.server.sessions.values()) {
      if (s.attached) this.of(s)?.tick();
    }
  }

  /**
   * Ticks the groups of sessions that are due (all sessions with one
   * slice). A timer that fires late — the loop was busy — ticks every group
   * that came due meanwhile (up to one round), so each session keeps its
   * interval instead of waiting for the groups ahead of it; one group now and
   * each of the others in a task of its own (setImmediate), so that requests
   * that arrived meanwhile are read between them rather than after all.
   */
  private tickSlice(): void {
    if (this.slices === 1) return this.tickAll();
    const now = Date.now();
    if (this.nextSliceAt === 0) this.nextSliceAt = now;
    let due = 0;
    const first = this.slice;
    // Half a slice of slack: the timer's clock and Date.now() may disagree by a millisecond.
    while (this.nextSliceAt <= now + this.sliceMs / 2 && due < this.slices) {
      due++;
      this.slice = (this.slice + 1) % this.slices;
      this.nextSliceAt += this.sliceMs;
    }
    // More than a round behind: start afresh from now rather than racing to catch up.
    if (this.nextSliceAt <= now) this.nextSliceAt = now + this.sliceMs;
    if (due === 0) return;
    this.tickGroup(first);
    if (due > 1) this.tickLater(first, due - 1);
  }

  /** Ticks the `count` groups after `after`, one per task. */
  private tickLater(after: number, count: number): void {
    setImmediate(() => {
      if (this.disposed) return;
      const k = (after + 1) % this.slices;
      this.tickGroup(k);
      if (count > 1) this.tickLater(k, count - 1);
    });
  }

  private tickGroup(k: number): void {
    const group = this.groups[k]!;
    this.opts.beforeTick?.(group);
    for (const s of group) if (s.attached) this.of(s)?.tick();
  }

  private start(session: ServerSession): void {
    const sync = new ServerSyncSession({
      initialState: this.opts.initialState(session),
      batchSize: this.opts.batchSize ?? this.server.opts.batchSize,
      ...(this.opts.strategies ? { strategies: this.opts.strategies } : {}),
      ...(this.opts.owned ? { owned: this.opts.owned } : {}),
    });
    session.ext.set(KEY, sync);
    const was = this.sliceOf.get(session);
    if (was !== undefined) this.groups[was]!.delete(session);
    const k = this.sessionsStarted++ % this.slices;
    this.sliceOf.set(session, k);
    this.groups[k]!.add(session);
    sync.on('batch', ({ batch, priority }) => {
      // While detached, batches stay in the history: the resume's catch-up covers them.
      if (!session.attached || this.catchingUp.has(session)) return;
      this.batchesSent++;
      session.push(MessageType.GAME_STATE_UPDATE, batch as BodyOf<'GAME_STATE_UPDATE'>, priority);
    });
    sync.on('conflict', (c) => {
      for (const l of this.conflictListeners) l(session, c);
    });
    for (const l of this.started) l(session, sync);
    const snap = sync.snapshot();
    session.push(MessageType.GAME_STATE_SYNC, snap as BodyOf<'GAME_STATE_SYNC'>, 0);
  }

  private resume(session: ServerSession, since: number | undefined): void {
    const sync = this.of(session);
    if (!sync) return;
    // answerRequest flushes what is queued first; those batches are part of the catch-up, so they must not
    // also go out on their own ahead of it (the client would see a gap and ask again).
    this.catchingUp.add(session);
    let answer: CatchUp;
    try {
      answer = sync.answerRequest(since === undefined ? {} : { since });
    } finally {
      this.catchingUp.delete(session);
    }
    this.sendCatchUp(session, answer);
  }

  private sendCatchUp(session: ServerSession, answer: CatchUp): void {
    if (answer.kind === 'snapshot') session.push(MessageType.GAME_STATE_SYNC, answer.snapshot as BodyOf<'GAME_STATE_SYNC'>, 0);
    else if (answer.batch.ops.length > 0 || answer.batch.to !== answer.batch.from) {
      session.push(MessageType.GAME_STATE_UPDATE, answer.batch as BodyOf<'GAME_STATE_UPDATE'>, 0);
    }
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.timer);
  }
}
