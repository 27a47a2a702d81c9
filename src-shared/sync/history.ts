/**
 * The server's memory of the batches it sent, per session: enough to answer
 * "since n" with the ops after version n, and to list the server ops a
 * client had not seen when it wrote. Bounded by a number of batches; older
 * versions are answered with a snapshot instead.
 */
import { type PatchOp } from '../protocol/catalogue';

export interface LoggedOp {
  readonly op: PatchOp;
  /** An accepted client op, sent back so the log alone rebuilds the state. */
  readonly fromClient: boolean;
}

const EMPTY: readonly LoggedOp[] = [];

export class BatchHistory {
  /** Batches from `head` on are kept; the dead prefix is cut off in bulk (amortised O(1) per push). */
  private batches: (readonly LoggedOp[])[] = [];
  private head = 0;
  /** The version before the first batch kept. */
  private base: number;

  constructor(
    readonly capacity: number,
    startVersion: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`history capacity must be a non-negative integer, got ${capacity}`);
    this.base = startVersion;
  }

  /** The oldest `since` that can still be answered with updates. */
  get oldest(): number {
    return this.base;
  }

  get latest(): number {
    return this.base + this.batches.length - this.head;
  }

  /** Records the batch that made `version` (always latest + 1). */
  push(version: number, ops: readonly LoggedOp[]): void {
    if (version !== this.latest + 1) throw new RangeError(`history expected version ${this.latest + 1}, got ${version}`);
    this.batches.push(ops);
    if (this.batches.length - this.head > this.capacity) {
      this.batches[this.head++] = EMPTY;
      this.base++;
      if (this.head >= Math.max(64, this.capacity)) {
        this.batches = this.batches.slice(this.head);
        this.head = 0;
      }
    }
  }

  /** Every op in batches after `since`, oldest first; null when `since` is older than what is kept. */
  since(since: number): LoggedOp[] | null {
    if (since < this.base || since > this.latest) return null;
    const out: LoggedOp[] = [];
    for (let i = this.head + since - this.base; i < this.batches.length; i++) for (const op of this.batches[i]!) out.push(op);
    return out;
  }

  /** How many ops came after `since` (cheaper than since().length), or null. */
  countSince(since: number): number | null {
    if (since < this.base || since > this.latest) return null;
    let n = 0;
    for (let i = this.head + since - this.base; i < this.batches.length; i++) n += this.batches[i]!.length;
    return n;
  }
}
