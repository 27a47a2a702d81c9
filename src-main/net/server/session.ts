/**
 * A logged-in session of the server. It outlives its connection: when the
 * connection drops, the session waits (detached) to be resumed with its
 * access token on a new connection (spec §4.4); what it had to send
 * meanwhile is kept and delivered after the resume.
 */
import type { Priority } from '../../../src-shared/protocol';
import type { FramedConnection } from '../connection';
import type { Account, Scope } from '../auth/accounts';

export interface QueuedPush {
  readonly type: number;
  readonly body: object;
  readonly priority: Priority;
}

export class ServerSession {
  conn: FramedConnection | null = null;
  /** When the access token expires (epoch seconds). */
  tokenExp = 0;
  family = '';
  detachedAt: number | null = null;
  expiryTimer: NodeJS.Timeout | null = null;
  private readonly outbox: QueuedPush[] = [];
  droppedWhileDetached = 0;
  /** Slots for the modules attached to the server (sync, events, …). */
  readonly ext = new Map<string, unknown>();

  constructor(
    readonly id: string,
    readonly account: Account,
    readonly scope: readonly Scope[],
    readonly maxQueued = 1000,
  ) {}

  get playerId(): string {
    return this.account.playerId;
  }

  get attached(): boolean {
    return this.conn !== null && this.conn.isOpen;
  }

  hasScope(s: Scope): boolean {
    return this.scope.includes(s);
  }

  /** Sends now when connected; otherwise keeps it (bounded) for after the resume. */
  push(type: number, body: object, priority: Priority = 2): void {
    if (this.conn && this.conn.isOpen) {
      this.conn.send(type, body, { priority });
      return;
    }
    if (this.outbox.length >= this.maxQueued) {
      this.outbox.shift();
      this.droppedWhileDetached++;
    }
    this.outbox.push({ type, body, priority });
  }

  /** Delivers what was queued while detached, in order. */
  flushOutbox(): number {
    const conn = this.conn;
    if (!conn) return 0;
    const n = this.outbox.length;
    for (const m of this.outbox.splice(0)) conn.send(m.type, m.body, { priority: m.priority });
    return n;
  }
}
