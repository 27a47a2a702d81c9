/**
 * A server session and a client replica joined by two in-memory FIFO
 * channels (one per direction, as over TCP), where the test decides when
 * each message is delivered, dropped, or lost in a disconnect. Messages are
 * JSON round-tripped, as on the wire. Test support only.
 */
import { type PatchOp } from '../../protocol/catalogue';
import { ClientSyncReplica, type ClientSyncOptions, type OutgoingUpdate } from '../client-replica';
import { type CatchUp, type StateAck, type StateBatch, type StateRequest } from '../messages';
import { ManualScheduler } from '../scheduler';
import { ServerSyncSession, type ServerSyncOptions } from '../server-session';

export type ToClient =
  | { readonly kind: 'batch'; readonly batch: StateBatch }
  | { readonly kind: 'ack'; readonly id: number; readonly ack: StateAck }
  | { readonly kind: 'catchup'; readonly answer: CatchUp };
export type ToServer = { readonly kind: 'update'; readonly update: OutgoingUpdate } | { readonly kind: 'request'; readonly request: StateRequest };

/** What the server saw when it handled one client update (for conflict oracles). */
export interface HandledUpdate {
  readonly body: StateBatch;
  readonly ack: StateAck;
  /** The server clock's last stamp before handling: server ops stamped at or before it existed then. */
  readonly before: PatchOp['ts'];
}

/** What the client held when it applied one batch (for conflict oracles). */
export interface AppliedBatch {
  readonly batch: StateBatch;
  readonly pending: ReturnType<ClientSyncReplica['pendingOps']>;
  /** Index in the client's conflict stream of this batch's first record, and how many it made. */
  readonly conflictsBefore: number;
  readonly conflicts: number;
}

const wire = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export class Link {
  readonly scheduler = new ManualScheduler(1_700_000_000_000);
  readonly server: ServerSyncSession;
  readonly client: ClientSyncReplica;
  readonly toClient: ToClient[] = [];
  readonly toServer: ToServer[] = [];
  /** Every batch the server emitted, delivered or not. */
  readonly serverLog: StateBatch[] = [];
  readonly handled: HandledUpdate[] = [];
  readonly applied: AppliedBatch[] = [];
  /** Faults injected so far, to explain a failing run. */
  readonly faults: string[] = [];
  /** Catch-ups answered with a snapshot, and gaps the client reported. */
  snapshots = 0;
  gaps = 0;

  constructor(server: Partial<ServerSyncOptions> = {}, client: Partial<ClientSyncOptions> = {}) {
    const now = this.scheduler.now;
    this.server = new ServerSyncSession({ now, scheduler: this.scheduler, ...server });
    this.client = new ClientSyncReplica({ node: 'client-1', now, scheduler: this.scheduler, ...client });
    this.server.on('batch', ({ batch }) => {
      this.serverLog.push(wire(batch));
      this.toClient.push({ kind: 'batch', batch: wire(batch) });
    });
    this.client.on('update', (update) => this.toServer.push({ kind: 'update', update: wire(update) }));
  }

  get quiet(): boolean {
    return this.toClient.length === 0 && this.toServer.length === 0;
  }

  /** Delivers the next message to the client; returns false when there was none. */
  deliverToClient(): boolean {
    const m = this.toClient.shift();
    if (!m) return false;
    if (m.kind === 'batch') this.applyBatch(m.batch);
    else if (m.kind === 'ack') {
      const r = this.client.acknowledge(m.id, m.ack);
      if (r.request) this.toServer.push({ kind: 'request', request: r.request });
    } else if (m.answer.kind === 'updates') this.applyBatch(m.answer.batch);
    else {
      this.snapshots++;
      this.client.applySnapshot(m.answer.snapshot);
    }
    return true;
  }

  deliverToServer(): boolean {
    const m = this.toServer.shift();
    if (!m) return false;
    if (m.kind === 'update') {
      const before = this.server.clock.last();
      const ack = this.server.handleUpdate(wire(m.update.body));
      this.handled.push({ body: m.update.body, ack, before });
      this.toClient.push({ kind: 'ack', id: m.update.id, ack: wire(ack) });
    } else {
      this.toClient.push({ kind: 'catchup', answer: wire(this.server.answerRequest(m.request)) });
    }
    return true;
  }

  /** A fault drops the next message to the client; the client notices as it would (timeouts, gaps). */
  dropToClient(): void {
    const m = this.toClient.shift();
    if (!m) return;
    this.faults.push(`drop s→c ${m.kind}`);
    if (m.kind === 'ack') this.client.updateLost(m.id);
    if (m.kind === 'catchup') this.client.cancelResync();
  }

  dropToServer(): void {
    const m = this.toServer.shift();
    if (!m) return;
    this.faults.push(`drop c→s ${m.kind}`);
    if (m.kind === 'update') this.client.updateLost(m.update.id);
    else this.client.cancelResync();
  }

  /** The connection drops (everything in flight is lost) and the client resumes at its version. */
  reconnect(): void {
    this.faults.push('reconnect');
    this.toClient.length = 0;
    this.toServer.length = 0;
    this.client.connectionLost();
    this.toServer.push({ kind: 'request', request: { since: this.client.version } });
  }

  /** Delivers everything, ticking both sides, until nothing is left anywhere, then checks for lost tail batches. */
  settle(maxRounds = 200): void {
    for (let round = 0; round < maxRounds; round++) {
      this.scheduler.advance(100);
      while (!this.quiet) {
        while (this.deliverToServer());
        while (this.deliverToClient());
      }
      if (this.server.queued === 0 && this.client.queuedCount === 0 && this.client.inFlightCount === 0) {
        if (this.client.version === this.server.version && this.client.pendingCount === 0 && this.client.awaitingResync === null) return;
        // A dropped batch with nothing after it to reveal the gap: ask, as a peer's periodic check would.
        this.client.cancelResync();
        this.toServer.push({ kind: 'request', request: this.client.requestCatchUp()! });
      }
    }
    throw new Error(`did not settle: client v${this.client.version} pending ${this.client.pendingCount}, server v${this.server.version} queued ${this.server.queued}`);
  }

  private applyBatch(batch: StateBatch): void {
    const pending = this.client.pendingOps();
    const conflictsBefore = this.client.conflicts.total;
    const r = this.client.applyBatch(batch);
    if (r.status === 'applied') this.applied.push({ batch, pending, conflictsBefore, conflicts: r.conflicts });
    if (r.status === 'gap') this.gaps++;
    if ((r.status === 'gap' || r.status === 'invalid') && r.request) this.toServer.push({ kind: 'request', request: r.request });
  }
}
