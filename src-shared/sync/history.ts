/**
 * The server's memory of the batches it sent, per session: enough to answer
 * "since n" with the ops after version n, and to list the server ops a
 * client had not seen when it wrote. Bounded by a number of batches and a
 * number of ops, whichever comes first; older versions are answered with a
 * snapshot instead.
 *
 * It keeps the very ops arrays the batches were sent with (nothing copied,
 * no wrapper per op): about 130 bytes per op with its stamp and path, so
 * the default 1000 ops is ~130 KB per session at most.
 */
import { type PatchOp } from '../protocol/catalogue';

const EMPTY: readonly PatchOp[] = [];

export class BatchHistory {
  /** Batches from `head` on are kept; the dead prefix is cut off in bulk (amortised O(1) per push). */
  private batches: (readonly PatchOp[])[] = [];
  private head = 0;
  /** The version before the first batch kept. */
  private base: number;
  /** Ops in the batches kept. */
  private ops = 0;

  /**
   * @param capacity batches kept
   * @param startVersion the version before the first batch that will be pushed
   * @param maxOps ops kept across those batches
   */
  constructor(
    readonly capacity: number,
    startVersion: number,
    readonly maxOps = Infinity,
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
  push(version: number, ops: readonly PatchOp[]): void {
    if (version !== this.latest + 1) throw new RangeError(`history expected version ${this.latest + 1}, got ${version}`);
    this.batches.push(ops);
    this.ops += ops.length;
    // Over maxOps, the newest batch still stays: without it every client a tick behind would be STALE.
    while (this.batches.length - this.head > this.capacity || (this.ops > this.maxOps && this.batches.length - this.head > 1)) {
      this.ops -= this.batches[this.head]!.length;
      this.batches[this.head++] = EMPTY;
      this.base++;
    }
    if (this.head >= Math.max(64, this.batches.length >> 1)) {
      this.batches = this.batches.slice(this.head);
      this.head = 0;
    }
  }

  /** Every op in batches after `since`, oldest first; null when `since` is older than what is kept. */
  since(since: number): PatchOp[] | null {
    if (since < this.base || since > this.latest) return null;
    const out: PatchOp[] = [];
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
