/**
 * A fingerprint of a state tree as the comparison sees it: ignored paths
 * left out, identities translated, member order irrelevant, unordered
 * arrays as sorted multisets, and numbers under a tolerance reduced to
 * "some number" (equal fingerprints are then confirmed by a real
 * comparison). Two trees with different fingerprints differ.
 *
 * Subtrees are hashed once: versions of one session share every unchanged
 * subtree (copy-on-write), and the hash of an object reached with the same
 * rule cursor is remembered, so fingerprinting a new version costs what
 * changed — a Merkle tree over the copy-on-write history.
 */
import { createHash } from 'node:crypto';
import { type Cursor, type PathMatcher } from './patterns';

export interface HashRules {
  readonly matcher: PathMatcher;
  readonly epsilon: number;
  readonly translate?: (s: string) => string | undefined;
}

export class StateHasher {
  private readonly memo = new WeakMap<object, Map<string, string>>();
  /** True when some numbers were hashed loosely: equal fingerprints must be confirmed by compareJson. */
  loose = false;

  constructor(private readonly rules: HashRules) {}

  hash(state: unknown, scope = 'state'): string {
    return this.node(state, this.rules.matcher.root(scope));
  }

  private node(v: unknown, cur: Cursor): string {
    switch (typeof v) {
      case 'string':
        return `s${JSON.stringify(this.rules.translate?.(v) ?? v)}`;
      case 'number': {
        if (this.rules.epsilon > 0 || (cur.epsilon ?? 0) > 0) {
          this.loose = true;
          return 'n~';
        }
        return `n${v}`;
      }
      case 'boolean':
        return v ? 'T' : 'F';
      case 'object':
        if (v === null) return 'N';
        break;
      default:
        return 'U';
    }
    const obj = v as object;
    let byCursor = this.memo.get(obj);
    const hit = byCursor?.get(cur.id);
    if (hit !== undefined) return hit;
    const h = createHash('sha1');
    if (Array.isArray(obj)) {
      const parts: string[] = [];
      for (let i = 0; i < obj.length; i++) {
        const child = this.rules.matcher.step(cur, String(i));
        if (child.ignored) continue;
        parts.push(this.node(obj[i], child));
      }
      if (cur.unordered) parts.sort();
      h.update(cur.unordered ? 'A' : 'a');
      for (const p of parts) h.update(p).update('\u0000');
    } else {
      const entries: [string, string][] = [];
      for (const k0 of Object.keys(obj)) {
        const k = this.rules.translate?.(k0) ?? k0;
        const child = this.rules.matcher.step(cur, k);
        if (child.ignored) continue;
        entries.push([k, this.node((obj as Record<string, unknown>)[k0], child)]);
      }
      entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      h.update('o');
      for (const [k, x] of entries) h.update(JSON.stringify(k)).update(':').update(x).update('\u0000');
    }
    const out = h.digest('base64');
    if (!byCursor) this.memo.set(obj, (byCursor = new Map()));
    byCursor.set(cur.id, out);
    return out;
  }
}
