/**
 * The record of every conflict a peer detects (spec §5.1: "recorded with
 * both values, the strategy and the outcome"), kept in a bounded log and
 * emitted as it happens.
 */
import { type PatchOp } from '../protocol/catalogue';
import { decide, type Strategy, type Winner } from './strategy';

export type Side = 'client' | 'server';

export interface ConflictRecord {
  /** The peer that detected and recorded it. */
  readonly side: Side;
  /** The client op's path: the path the strategy was looked up for. */
  readonly path: string;
  readonly strategy: Strategy;
  /** This side's pending op (value and stamp). */
  readonly local: PatchOp;
  /** The other side's op that arrived. */
  readonly remote: PatchOp;
  readonly winner: 'local' | 'remote' | 'merged';
  /** The client's op as it takes effect after the server's; null when the client's op was dropped. */
  readonly result: PatchOp | null;
  /** The detector's wall clock, ms. */
  readonly at: number;
  /** The detector's state version when it happened. */
  readonly version: number;
}

/** Decides a conflict between this side's pending op and an arriving one, and describes it. */
export function resolveConflict(
  side: Side,
  strategy: Strategy,
  local: PatchOp,
  remote: PatchOp,
  at: number,
  version: number,
): ConflictRecord {
  const [client, server] = side === 'client' ? [local, remote] : [remote, local];
  const d = decide(strategy, client, server);
  return {
    side,
    path: client.path,
    strategy,
    local,
    remote,
    winner: toLocal(side, d.winner),
    result: d.client,
    at,
    version,
  };
}

function toLocal(side: Side, w: Winner): ConflictRecord['winner'] {
  if (w === 'merged') return 'merged';
  return w === side ? 'local' : 'remote';
}

/** The newest `capacity` records, oldest first. */
export class ConflictLog {
  private readonly items: ConflictRecord[] = [];
  private dropped = 0;

  constructor(readonly capacity = 1000) {}

  add(record: ConflictRecord): void {
    this.items.push(record);
    if (this.items.length > this.capacity) {
      this.items.shift();
      this.dropped++;
    }
  }

  /** Records kept (oldest first). */
  list(): readonly ConflictRecord[] {
    return this.items;
  }

  /** Records ever added, including those the bound pushed out. */
  get total(): number {
    return this.items.length + this.dropped;
  }
}
