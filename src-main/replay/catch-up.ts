/**
 * Whether a replayed session has received, by a given step, what its
 * capture had received by then: as many state versions, and as many pushes
 * of every kind the comparison looks at. Before a logout and at the end the
 * replay waits longer for the server while it has not caught up: a loaded
 * server ticks late, and another session's broadcast can come later than it
 * did in the capture when that session drifted (slower logins, answers).
 */
import { type IdentityMap } from './identity';
import { type PushIgnores } from './push-ignores';
import { pushKey, pushKind, type PushItem } from './pushes';

interface CapturedInbound extends PushItem {
  readonly isResponse: boolean;
  readonly afterStep: number;
}

/** A snapshot, or a batch of updates (a client update's acknowledgement is not state). */
export function isStateMessage(type: string, body: unknown): boolean {
  return type === 'GAME_STATE_SYNC' || (type === 'GAME_STATE_UPDATE' && Array.isArray((body as { ops?: unknown } | null)?.ops));
}

export class CatchUp {
  /** State versions the capture had received once `step` steps were sent. */
  private readonly capturedStates: number[];
  /** The capture's other pushes, in arrival order. */
  private readonly capturedPushes: CapturedInbound[] = [];
  private statesIn = 0;
  private readonly pushesIn = new Map<string, number>();

  constructor(
    inbound: readonly CapturedInbound[],
    steps: number,
    private readonly identities: Pick<IdentityMap, 'translate'>,
    private readonly ignores?: PushIgnores,
  ) {
    this.capturedStates = new Array<number>(steps + 1).fill(0);
    for (const m of inbound) {
      if (isStateMessage(m.type, m.body)) this.capturedStates[Math.min(m.afterStep, steps)]!++;
      else if (!m.isResponse) this.capturedPushes.push(m);
    }
    for (let k = 1; k < this.capturedStates.length; k++) this.capturedStates[k]! += this.capturedStates[k - 1]!;
  }

  /** Counts a message the replay received. */
  note(type: string, body: unknown, isResponse: boolean): void {
    if (isStateMessage(type, body)) this.statesIn++;
    else if (!isResponse) {
      const k = pushKey({ type, body });
      this.pushesIn.set(k, (this.pushesIn.get(k) ?? 0) + 1);
    }
  }

  /**
   * A check for "caught up with the capture at `step`". The pushes the
   * capture had by then are counted per kind when it is made (captured
   * sources translated with what the identity map knows now; kinds an ignore
   * rule leaves out are not waited for); the check itself is cheap.
   */
  at(step: number): () => boolean {
    const states = this.capturedStates[Math.max(0, Math.min(step, this.capturedStates.length - 1))]!;
    const need = new Map<string, number>();
    for (const m of this.capturedPushes) {
      if (m.afterStep > step) continue;
      const kind = pushKind(m, this.identities.translate);
      const raw = pushKind(m).source;
      if (this.ignores?.match(kind, raw !== null ? [raw] : [])) continue;
      const k = pushKey(m, this.identities.translate);
      need.set(k, (need.get(k) ?? 0) + 1);
    }
    return () => {
      if (this.statesIn < states) return false;
      for (const [k, n] of need) if ((this.pushesIn.get(k) ?? 0) < n) return false;
      return true;
    };
  }
}
