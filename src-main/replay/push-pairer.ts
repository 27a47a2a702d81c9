/**
 * Live pushes paired with captured ones as they arrive, so the identities a
 * push carries (a broadcast's id, a snapshot's item ids) are learnt before
 * later client messages need them.
 */
import { pushKey, type PushItem } from './pushes';
import { type SessionScript } from './script';

/**
 * Pairs live pushes with captured ones of the same kind, in order. A
 * captured broadcast's source is the old run's player id: it is translated
 * when a live push looks for its queue, since that id is learnt only at
 * login (or later).
 */
export class PushPairer {
  /** Captured bodies by their kind as captured. */
  private readonly queues = new Map<string, { readonly first: PushItem; readonly bodies: unknown[]; taken: number }>();
  /** Live kind → captured kind, once found. */
  private readonly found = new Map<string, string>();

  constructor(
    inbound: SessionScript['inbound'] | readonly (PushItem & { readonly isResponse: boolean })[],
    private readonly translate: (s: string) => string | undefined,
  ) {
    for (const m of inbound) {
      if (m.isResponse) continue;
      const k = pushKey(m);
      const q = this.queues.get(k);
      if (q) q.bodies.push(m.body);
      else this.queues.set(k, { first: m, bodies: [m.body], taken: 0 });
    }
  }

  /** The captured body this live push pairs with (undefined when the capture has no more of its kind). */
  next(type: string, body: unknown): unknown {
    const live = pushKey({ type, body });
    let k = this.found.get(live);
    if (k === undefined) {
      for (const [ck, q] of this.queues) {
        if (pushKey(q.first, this.translate) === live) {
          k = ck;
          break;
        }
      }
      if (k === undefined) return undefined;
      this.found.set(live, k);
    }
    const q = this.queues.get(k)!;
    return q.bodies[q.taken++];
  }
}
