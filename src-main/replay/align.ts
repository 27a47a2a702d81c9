/**
 * Aligns two state timelines — captured versions C0…Cn and replayed versions
 * R0…Rm, as fingerprints — to find the first version where they diverge.
 *
 * Version numbers cannot be compared directly: a server batches whatever
 * changed within one sync tick, so two moves 50 ms apart may be one version
 * in one run and two in the other. The alignment therefore matches states,
 * in order: each captured state is looked for in the replay at or after the
 * last match. Between two consecutive matches,
 *   - states on one side only are versions the other side's server merged
 *     into one batch ("coalesced": not a difference);
 *   - states on both sides that match nothing are a real divergence, at the
 *     first such captured state.
 * After the last match, captured states the replay never reached, or
 * replayed states the capture never had, are a divergence too (the final
 * states differ).
 */

export interface Alignment {
  /** Pairs (captured index, replayed index), both increasing. */
  readonly matches: readonly (readonly [number, number])[];
  /** The first divergence: a captured index, and the replayed index to show beside it (null: the replay has no state). */
  readonly divergence: { readonly captured: number; readonly replayed: number | null } | null;
  /** States skipped by one side between matches. */
  readonly coalesced: number;
  /** The last states of both sides match. */
  readonly finalMatch: boolean;
}

/**
 * `verify(i, j)` confirms that equal fingerprints are equal states (needed
 * when fingerprints are loose, with tolerances); return true when they are
 * exact.
 */
export function alignStates(c: readonly string[], r: readonly string[], verify: (i: number, j: number) => boolean = () => true): Alignment {
  const positions = new Map<string, number[]>();
  r.forEach((h, j) => {
    const list = positions.get(h);
    if (list) list.push(j);
    else positions.set(h, [j]);
  });
  const matches: [number, number][] = [];
  let from = 0;
  for (let i = 0; i < c.length; i++) {
    const list = positions.get(c[i]!);
    if (!list) continue;
    for (let k = lowerBound(list, from); k < list.length; k++) {
      const j = list[k]!;
      if (verify(i, j)) {
        matches.push([i, j]);
        from = j;
        break;
      }
    }
  }

  // Interior states of a region that are not repeats of the states bounding it.
  const interior = (h: readonly string[], lo: number, hi: number): number[] => {
    const out: number[] = [];
    for (let x = lo + 1; x < hi; x++) if ((lo < 0 || h[x] !== h[lo]) && (hi >= h.length || h[x] !== h[hi])) out.push(x);
    return out;
  };
  let coalesced = 0;
  let divergence: Alignment['divergence'] = null;
  let prev: readonly [number, number] = [-1, -1];
  for (const m of matches) {
    const ci = interior(c, prev[0], m[0]);
    const ri = interior(r, prev[1], m[1]);
    if (ci.length && ri.length) {
      divergence ??= { captured: ci[0]!, replayed: ri[0]! };
    } else coalesced += ci.length + ri.length;
    prev = m;
  }
  const tailC = interior(c, prev[0], c.length);
  const tailR = interior(r, prev[1], r.length);
  if (!divergence && (tailC.length || tailR.length)) {
    if (tailC.length) divergence = { captured: tailC[0]!, replayed: tailR.length ? tailR[0]! : prev[1] >= 0 ? prev[1] : r.length ? r.length - 1 : null };
    // Only the replay went on: the captured final state is where they part.
    else if (c.length) divergence = { captured: prev[0] >= 0 ? prev[0] : c.length - 1, replayed: tailR[0]! };
  }
  const last = matches[matches.length - 1];
  const finalMatch = c.length === 0 && r.length === 0 ? true : !!last && tailC.length === 0 && tailR.length === 0;
  return { matches, divergence, coalesced, finalMatch };
}

function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
