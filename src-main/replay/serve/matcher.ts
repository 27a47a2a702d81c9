/**
 * Server replay's side of matching: which captured client message a live
 * client's message is. Same type, and the same body under the comparison
 * rules — with the values every run makes anew (event ids the client mints,
 * its state version, its clock stamps: the use rules of the identity table)
 * left out, since a live client never sends the captured ones.
 */
import { compareJson, equalUnder, type CompareRules } from '../compare';
import { PathMatcher, parsePathRule } from '../patterns';
import { type ReplayRules } from '../rules';
import { type ScriptStep } from '../script';
import { type ValueDifference } from '../../../src-shared/ipc/replay';

export function matchingRules(rules: ReplayRules, translate?: (s: string) => string | undefined): CompareRules {
  const extra = rules.identity.use.filter((u) => u.how !== 'map').map((u) => parsePathRule(`${u.type}:${u.pointer}`, { kind: 'ignore' }));
  return { matcher: new PathMatcher([...rules.matcher.rules, ...extra]), epsilon: rules.epsilon, ...(translate ? { translate } : {}) };
}

export class RequestMatcher {
  private readonly used = new Set<number>();
  private readonly byType = new Map<string, ScriptStep[]>();

  constructor(
    steps: readonly ScriptStep[],
    private readonly rules: CompareRules,
  ) {
    for (const s of steps) {
      const list = this.byType.get(s.type);
      if (list) list.push(s);
      else this.byType.set(s.type, [s]);
    }
  }

  /**
   * The first captured message of this type not answered yet whose body
   * matches; marks it used. Captured order is tried first, so a client
   * repeating the same request gets the captured answers in their order.
   */
  take(type: string, body: unknown): ScriptStep | null {
    for (const s of this.byType.get(type) ?? []) {
      if (this.used.has(s.index)) continue;
      if (equalUnder(s.body, body, this.rules, type)) {
        this.used.add(s.index);
        return s;
      }
    }
    return null;
  }

  /** The closest captured candidate (same type, not used yet) and how it differs, to explain an unmatched message. */
  nearest(type: string, body: unknown): { step: ScriptStep; differences: ValueDifference[] } | null {
    let best: { step: ScriptStep; differences: ValueDifference[]; total: number } | null = null;
    for (const s of this.byType.get(type) ?? []) {
      if (this.used.has(s.index)) continue;
      const d = compareJson(s.body, body, this.rules, type, 5);
      if (!best || d.total < best.total) best = { step: s, differences: d.differences, total: d.total };
      if (best.total <= 1) break;
    }
    return best ? { step: best.step, differences: best.differences } : null;
  }

  /** Captured messages no live message has matched yet, in capture order. */
  unused(): ScriptStep[] {
    const out: ScriptStep[] = [];
    for (const list of this.byType.values()) for (const s of list) if (!this.used.has(s.index)) out.push(s);
    return out.sort((a, b) => a.index - b.index);
  }

  get remaining(): number {
    let n = 0;
    for (const list of this.byType.values()) for (const s of list) if (!this.used.has(s.index)) n++;
    return n;
  }
}
