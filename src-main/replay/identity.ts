/**
 * The identity map of one replayed session: for each kind (player id, event
 * id, state version, …) the captured values and the new ones the replay
 * learnt or minted, how client messages are rewritten with them, and the
 * rows the report shows.
 */
import { randomUUID } from 'node:crypto';
import { type IdentityRow } from '../../src-shared/ipc/replay';
import { type IdentityKind, type IdentityRules, type LearnRule, type UseRule } from './identity-rules';
import { mapStrings, patternSegments, rewriteAt, valuesAt } from './json-paths';

type Scalar = string | number | boolean;

interface Entry {
  readonly captured: Scalar;
  replayed: Scalar;
  readonly how: IdentityRow['how'];
  readonly from: string;
  used: number;
}

interface Current {
  value: Scalar;
  from: string;
  changes: number;
  used: number;
  /** The last captured value seen at the place it was learnt, for the report. */
  captured: Scalar | undefined;
}

/** The claims of a JWT, read without verifying; captured tokens have their signature replaced, so only the middle part is looked at. */
export function tokenClaims(token: string): Record<string, unknown> | undefined {
  const part = token.split('.')[1];
  if (!part || !/^[A-Za-z0-9_-]+$/.test(part)) return undefined;
  try {
    const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const isScalar = (v: unknown): v is Scalar => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean';
const keyOf = (v: Scalar): string => `${typeof v}:${String(v)}`;

/** Values shorter than this are never translated "anywhere": "1" or "ok" would collide with ordinary data. */
const MIN_ANYWHERE_LENGTH = 3;

export class IdentityMap {
  private readonly kinds: Map<string, IdentityKind>;
  private readonly maps = new Map<string, Map<string, Entry>>();
  private readonly currents = new Map<string, Current>();
  /** Captured string → replayed string, for the kinds marked anywhere (only where they differ). */
  private readonly anywhere = new Map<string, string>();
  private readonly learnByType = new Map<string, (LearnRule & { segments: string[] })[]>();
  private readonly useByType = new Map<string, (UseRule & { segments: string[] })[]>();
  conflicts = 0;

  constructor(readonly rules: IdentityRules) {
    this.kinds = new Map(rules.kinds.map((k) => [k.name, k]));
    for (const r of rules.learn) push(this.learnByType, r.type, { ...r, segments: patternSegments(r.pointer) });
    for (const r of rules.use) push(this.useByType, r.type, { ...r, segments: patternSegments(r.pointer) });
  }

  /** Records that `captured` is now `replayed` (first pairing wins; a contradicting one is counted). */
  learn(kind: string, captured: unknown, replayed: unknown, from: string, how: IdentityRow['how'] = 'map'): void {
    if (!isScalar(captured) || !isScalar(replayed)) return;
    let m = this.maps.get(kind);
    if (!m) this.maps.set(kind, (m = new Map()));
    const k = keyOf(captured);
    const e = m.get(k);
    if (e) {
      if (e.replayed !== replayed) this.conflicts++;
      return;
    }
    m.set(k, { captured, replayed, how, from, used: 0 });
    if (this.kinds.get(kind)?.anywhere && typeof captured === 'string' && typeof replayed === 'string' && captured !== replayed && captured.length >= MIN_ANYWHERE_LENGTH) {
      if (!this.anywhere.has(captured)) this.anywhere.set(captured, replayed);
    }
  }

  /** The latest value of a kind that client messages use as it is now (tokens, the state version). */
  setCurrent(kind: string, value: unknown, from: string, captured?: unknown): void {
    if (!isScalar(value)) return;
    const c = this.currents.get(kind);
    if (c) {
      if (c.value !== value) c.changes++;
      c.value = value;
      c.from = from;
      if (isScalar(captured)) c.captured = captured;
    } else this.currents.set(kind, { value, from, changes: 0, used: 0, captured: isScalar(captured) ? captured : undefined });
  }

  current(kind: string): Scalar | undefined {
    return this.currents.get(kind)?.value;
  }

  lookup(kind: string, captured: unknown): Scalar | undefined {
    return isScalar(captured) ? this.maps.get(kind)?.get(keyOf(captured))?.replayed : undefined;
  }

  /** A captured string's replayed form, for the kinds that are translated anywhere. */
  readonly translate = (captured: string): string | undefined => this.anywhere.get(captured);

  /**
   * Learns from an answer of type `type`: the new value at each learn rule's
   * pointer, paired with the captured answer's value at the same place
   * (when there is a captured answer).
   */
  learnFrom(type: string, role: 'response' | 'push', captured: unknown, replayed: unknown): void {
    for (const r of this.learnByType.get(type) ?? []) {
      if (r.role !== 'any' && r.role !== role) continue;
      const segs = r.segments;
      const now = valuesAt(replayed, segs);
      const old = captured === undefined ? [] : valuesAt(captured, segs);
      const from = `${type} ${r.pointer}${r.claim ? ` (${r.claim} claim)` : ''}`;
      const read = (v: unknown): unknown => (r.claim ? (typeof v === 'string' ? tokenClaims(v)?.[r.claim] : undefined) : v);
      const kind = this.kinds.get(r.kind);
      if (!kind) continue;
      if (kind.anywhere) {
        for (let i = 0; i < Math.min(now.length, old.length); i++) this.learn(r.kind, read(old[i]!.value), read(now[i]!.value), from);
      } else {
        const last = now[now.length - 1];
        if (last) this.setCurrent(r.kind, read(last.value), from, old.length ? read(old[old.length - 1]!.value) : undefined);
      }
    }
  }

  /**
   * The body to send for a captured client message: use rules applied
   * (mapped, current, fresh, shifted values), then every captured identity
   * of an "anywhere" kind replaced where it appears.
   */
  rewrite(type: string, body: unknown, ctx: { readonly capturedTime: number; readonly sendTime: number }): unknown {
    if (body === undefined || body === null || typeof body !== 'object') return body;
    let out: unknown = body;
    for (const r of this.useByType.get(type) ?? []) {
      out = rewriteAt(out, r.segments, (v) => this.use(r, v, ctx));
    }
    if (this.anywhere.size) {
      out = mapStrings(out, (s) => {
        const t = this.anywhere.get(s);
        if (t !== undefined) this.noteUse(s);
        return t;
      });
    }
    return out;
  }

  private use(r: UseRule, v: unknown, ctx: { capturedTime: number; sendTime: number }): unknown {
    switch (r.how) {
      case 'map': {
        const e = isScalar(v) ? this.maps.get(r.kind)?.get(keyOf(v)) : undefined;
        if (!e) return v;
        e.used++;
        return e.replayed;
      }
      case 'current': {
        const c = this.currents.get(r.kind);
        if (!c) return v;
        c.used++;
        return c.value;
      }
      case 'fresh': {
        if (!isScalar(v)) return v;
        const existing = this.maps.get(r.kind)?.get(keyOf(v));
        // The same captured id sent twice (a client resending after a resume) stays the same new id: the server must see the resend.
        const id = existing ? existing.replayed : randomUUID();
        if (!existing) this.learn(r.kind, v, id, `minted for ${r.type} ${r.pointer}`, 'fresh');
        const e = this.maps.get(r.kind)!.get(keyOf(v))!;
        e.used++;
        return id;
      }
      case 'shift': {
        if (typeof v !== 'number' || !Number.isFinite(v)) return v;
        // Keep the stamp's distance from the moment the message left: the new stamp is as far from now as the old one was from then.
        const shifted = Math.max(0, Math.round(ctx.sendTime + (v - ctx.capturedTime)));
        this.setCurrent(r.kind, shifted, `${r.type} ${r.pointer}`, v);
        const c = this.currents.get(r.kind)!;
        c.used++;
        return shifted;
      }
    }
  }

  private noteUse(captured: string): void {
    for (const m of this.maps.values()) {
      const e = m.get(keyOf(captured));
      if (e) {
        e.used++;
        return;
      }
    }
  }

  /** What the report shows; secrets never appear. */
  rows(limitPerKind = 20): IdentityRow[] {
    const out: IdentityRow[] = [];
    for (const kind of this.rules.kinds) {
      const m = this.maps.get(kind.name);
      if (m) {
        let n = 0;
        for (const e of m.values()) {
          if (n++ >= limitPerKind) break;
          out.push({ kind: kind.name, how: e.how, captured: show(kind, e.captured), replayed: show(kind, e.replayed), learnedFrom: e.from, used: e.used });
        }
        if (m.size > limitPerKind) {
          out.push({ kind: kind.name, how: 'map', captured: `… ${m.size - limitPerKind} more`, replayed: '', learnedFrom: '', used: 0 });
        }
      }
      const c = this.currents.get(kind.name);
      if (c) {
        out.push({
          kind: kind.name,
          how: kind.name === 'clock' ? 'shift' : 'current',
          captured: kind.secret ? '(secret)' : c.captured === undefined ? '' : String(c.captured),
          replayed: kind.secret ? `(rotated ${c.changes} time${c.changes === 1 ? '' : 's'})` : String(c.value),
          learnedFrom: c.from,
          used: c.used,
        });
      }
    }
    return out;
  }
}

function show(kind: IdentityKind, v: Scalar): string {
  return kind.secret ? '(secret)' : String(v);
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}
