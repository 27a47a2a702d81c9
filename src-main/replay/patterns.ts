/**
 * Path rules for comparisons: JSON pointers with globs, optionally scoped to
 * one message type or to the state tree.
 *
 *   /accessToken              exactly that member of the body's root
 *   **\/ts                    a member named ts at any depth ("ts" alone means the same)
 *   /ops/*\/ts/wall           * is one segment (any key or array index)
 *   /world/creatures/c1*      a glob inside a segment: * any run, ? one character (case-sensitive)
 *   EVENT_BROADCAST:/id       only in EVENT_BROADCAST bodies
 *   state:/world/time         only in the state tree
 *
 * Rules are compiled into one automaton whose cursor travels down with the
 * walk (a set of "rule r is at segment i" states), so a comparison checks no
 * rule more than once per node, and a subtree no rule can reach is known at
 * once (the dead cursor). Cursors are interned: two nodes reached with the
 * same live rules share one cursor object, which is what lets the state
 * hasher memoise subtrees by (object, cursor).
 */
import { ALL_MESSAGES } from '../../src-shared/protocol';
import { ReplayError } from './errors';

export type RuleEffect = { readonly kind: 'ignore' } | { readonly kind: 'epsilon'; readonly epsilon: number } | { readonly kind: 'unordered' };

type Segment = { readonly k: 'deep' } | { readonly k: 'one' } | { readonly k: 'exact'; readonly v: string } | { readonly k: 'glob'; readonly v: string };

export interface PathRule {
  /** As written. */
  readonly text: string;
  /** A message type name, 'state', or null (everywhere). */
  readonly scope: string | null;
  readonly effect: RuleEffect;
  readonly segments: readonly Segment[];
}

const SCOPE = /^([A-Za-z_][A-Za-z0-9_]*):(.*)$/s;
const MESSAGE_NAMES: ReadonlySet<string> = new Set(ALL_MESSAGES.map((d) => d.name));
const MAX_SEGMENTS = 64;

/** Parses one rule; throws ReplayError BAD_RULE naming the rule and the problem. */
export function parsePathRule(text: string, effect: RuleEffect = { kind: 'ignore' }): PathRule {
  if (typeof text !== 'string') throw new ReplayError('BAD_RULE', `a path rule must be a string, got ${typeof text}`);
  let scope: string | null = null;
  let pointer = text;
  const m = SCOPE.exec(pointer);
  if (m) {
    scope = m[1]!;
    pointer = m[2]!;
    if (scope !== 'state' && !MESSAGE_NAMES.has(scope)) {
      throw new ReplayError('BAD_RULE', `rule "${text}": "${scope}" is neither a message type (AUTH_LOGIN, EVENT_BROADCAST, …) nor "state"`);
    }
  }
  // A bare name is that member at any depth.
  if (pointer !== '' && !pointer.startsWith('/') && !pointer.startsWith('**')) pointer = `**/${pointer}`;
  if (pointer.startsWith('**')) pointer = `/${pointer}`;
  const raw = pointer === '' ? [] : pointer.slice(1).split('/');
  if (raw.length > MAX_SEGMENTS) throw new ReplayError('BAD_RULE', `rule "${text}" has more than ${MAX_SEGMENTS} segments`);
  const segments: Segment[] = raw.map((s) => {
    if (/~(?![01])/.test(s)) throw new ReplayError('BAD_RULE', `rule "${text}": "~" must be followed by 0 or 1 (JSON pointer escapes ~0 for ~, ~1 for /)`);
    if (s === '**') return { k: 'deep' };
    if (s === '*') return { k: 'one' };
    const v = s.replace(/~[01]/g, (e) => (e === '~0' ? '~' : '/'));
    return s.includes('*') || s.includes('?') ? { k: 'glob', v } : { k: 'exact', v };
  });
  // "/**/**/x" is "/**/x": collapsing keeps the automaton's state sets small.
  const collapsed = segments.filter((s, i) => !(s.k === 'deep' && segments[i - 1]?.k === 'deep'));
  return { text, scope, effect, segments: collapsed };
}

/** Case-sensitive glob match of a whole key: * any run, ? one character. Two pointers, no backtracking blow-up. */
export function globKey(pattern: string, key: string): boolean {
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < key.length) {
    if (p < pattern.length && (pattern[p] === '?' || (pattern[p] !== '*' && pattern[p] === key[t]))) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      starP = p++;
      starT = t;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Where the walk is: which rules are still alive there, and what applies at this node. */
export interface Cursor {
  /** Interned id: equal ids mean equal state sets. */
  readonly id: string;
  /** No rule can match here or below. */
  readonly dead: boolean;
  readonly ignored: boolean;
  /** The largest epsilon of the epsilon rules matching this node, or undefined. */
  readonly epsilon: number | undefined;
  readonly unordered: boolean;
  /** Encoded states: rule index × 128 + segment position, ascending. */
  readonly states: readonly number[];
}

export class PathMatcher {
  private readonly interned = new Map<string, Cursor>();
  private readonly roots = new Map<string, Cursor>();
  readonly dead: Cursor;

  constructor(readonly rules: readonly PathRule[]) {
    if (rules.length > 1 << 20) throw new ReplayError('BAD_RULE', 'too many path rules');
    this.dead = this.intern([]);
  }

  /** The cursor at the root of a body of this type ('state' for the state tree). */
  root(scope: string): Cursor {
    let c = this.roots.get(scope);
    if (!c) {
      const states: number[] = [];
      this.rules.forEach((r, i) => {
        if (r.scope === null || r.scope === scope) states.push(i * 128);
      });
      c = this.intern(this.closure(states));
      this.roots.set(scope, c);
    }
    return c;
  }

  /** One step down, into member or index `key`. */
  step(c: Cursor, key: string): Cursor {
    if (c.dead) return c;
    const next: number[] = [];
    for (const s of c.states) {
      const rule = this.rules[s >> 7]!;
      const pos = s & 127;
      const seg = rule.segments[pos];
      if (!seg) continue;
      if (seg.k === 'deep') next.push(s);
      else if (seg.k === 'one' || (seg.k === 'exact' && seg.v === key) || (seg.k === 'glob' && globKey(seg.v, key))) next.push(s + 1);
    }
    if (next.length === 0) return this.dead;
    return this.intern(this.closure(next));
  }

  /** A `**` may match nothing: a state before one is also a state after it. */
  private closure(states: number[]): number[] {
    const out = new Set<number>();
    for (let s of states) {
      out.add(s);
      while (this.rules[s >> 7]!.segments[s & 127]?.k === 'deep') out.add(++s);
    }
    return [...out].sort((a, b) => a - b);
  }

  private intern(states: number[]): Cursor {
    const id = states.join(',');
    let c = this.interned.get(id);
    if (c) return c;
    let ignored = false;
    let unordered = false;
    let epsilon: number | undefined;
    for (const s of states) {
      const rule = this.rules[s >> 7]!;
      if ((s & 127) !== rule.segments.length) continue;
      const e = rule.effect;
      if (e.kind === 'ignore') ignored = true;
      else if (e.kind === 'unordered') unordered = true;
      else epsilon = Math.max(epsilon ?? 0, e.epsilon);
    }
    c = { id, dead: states.length === 0, ignored, unordered, epsilon, states };
    // Interned cursors are bounded by the rules' shapes, not by the data: no eviction needed in practice, but a cap keeps hostile rule sets honest.
    if (this.interned.size < 100_000) this.interned.set(id, c);
    return c;
  }

  /** Whether the rule set says anything at `path` (segments) in a body of `scope`. */
  at(scope: string, path: readonly string[]): Cursor {
    let c = this.root(scope);
    for (const k of path) c = this.step(c, k);
    return c;
  }
}
