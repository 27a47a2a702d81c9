/**
 * Hybrid logical clock (Kulkarni et al., "Logical Physical Clocks", 2014).
 *
 * A stamp is `{wall, counter, node}`: `wall` follows the physical clock but
 * never goes back, `counter` orders events within one millisecond, and
 * `node` names the peer. Stamps a clock hands out only ever increase, every
 * stamp after receiving a remote one is greater than it (so "later" respects
 * causality even across skewed clocks), and `compareStamps` orders any two
 * stamps totally — `node` breaks ties, as spec §5.1 asks.
 */
import { type HlcStamp } from '../protocol/catalogue';

export type { HlcStamp };

export type Clock = () => number;

export class HybridClock {
  private wall = 0;
  private counter = 0;

  /**
   * @param node  this peer's name in stamps; must differ from every other peer's.
   * @param clock physical time in ms (injected so tests and replays are deterministic).
   */
  constructor(
    readonly node: string,
    private readonly clock: Clock = Date.now,
  ) {
    if (typeof node !== 'string' || node.length === 0 || node.length > 256) throw new RangeError('an HLC node name is 1..256 characters');
  }

  /** A stamp for a local event (a change, a send): greater than every stamp this clock has seen. */
  now(): HlcStamp {
    const pt = this.physical();
    if (pt > this.wall) {
      this.wall = pt;
      this.counter = 0;
    } else {
      this.counter++;
    }
    return { wall: this.wall, counter: this.counter, node: this.node };
  }

  /** Takes a remote stamp into account; returns the stamp of the receive event (greater than both). */
  receive(remote: HlcStamp): HlcStamp {
    const pt = this.physical();
    const lOld = this.wall;
    const l = Math.max(lOld, remote.wall, pt);
    if (l === lOld && l === remote.wall) this.counter = Math.max(this.counter, remote.counter) + 1;
    else if (l === lOld) this.counter++;
    else if (l === remote.wall) this.counter = remote.counter + 1;
    else this.counter = 0;
    this.wall = l;
    return { wall: this.wall, counter: this.counter, node: this.node };
  }

  /** The last stamp handed out (or the zero stamp). */
  last(): HlcStamp {
    return { wall: this.wall, counter: this.counter, node: this.node };
  }

  /** How far `remote.wall` is ahead of the physical clock, in ms (negative when behind). */
  aheadBy(remote: HlcStamp): number {
    return remote.wall - this.physical();
  }

  private physical(): number {
    const t = Math.floor(this.clock());
    return Number.isFinite(t) && t > 0 ? t : 0;
  }
}

/** Total order: wall, then counter, then node (code-unit order). */
export function compareStamps(a: HlcStamp, b: HlcStamp): -1 | 0 | 1 {
  if (a.wall !== b.wall) return a.wall < b.wall ? -1 : 1;
  if (a.counter !== b.counter) return a.counter < b.counter ? -1 : 1;
  if (a.node !== b.node) return a.node < b.node ? -1 : 1;
  return 0;
}

/** Why `ts` is not a stamp (spec: wall and counter non-negative integers, node a string ≤ 256), or null. */
export function stampError(ts: unknown): string | null {
  if (typeof ts !== 'object' || ts === null) return 'missing ts';
  const t = ts as Record<string, unknown>;
  if (!Number.isSafeInteger(t.wall) || (t.wall as number) < 0) return 'ts.wall must be a non-negative integer';
  if (!Number.isSafeInteger(t.counter) || (t.counter as number) < 0) return 'ts.counter must be a non-negative integer';
  if (typeof t.node !== 'string' || t.node.length === 0 || t.node.length > 256) return 'ts.node must be a string of 1..256 characters';
  return null;
}

/** A compact unique key for a stamp (nodes may contain any character, so it goes last). */
export function stampKey(ts: HlcStamp): string {
  return `${ts.wall}.${ts.counter}.${ts.node}`;
}
