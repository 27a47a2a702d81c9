/**
 * Pushes that are not state (EVENT_BROADCAST, RESOURCE_UPDATE, ERROR with
 * ref 0, …) compared as streams: grouped by kind (type plus event name and
 * source, or error code), then the n-th captured one of a kind with the n-th
 * replayed one. Interleaving between kinds is timing and is not compared. The server
 * mints broadcast ids anew each run: pairing two broadcasts teaches the
 * identity map their ids before their bodies are compared.
 */
import { type PushComparison, type ReplayVerdict, type ValueDifference } from '../../src-shared/ipc/replay';
import { compareJson, type CompareRules } from './compare';
import { type IdentityMap } from './identity';
import { type PushIgnores } from './push-ignores';

export interface PushItem {
  readonly type: string;
  readonly body: unknown;
  /** Replayed: arrived while the replay let the server finish before a logout or at the end (later than the captured session lasted). */
  readonly late?: boolean;
}

export interface PushCompareOptions {
  /** Kinds left out of the comparison (counted, listed as ignored). */
  readonly ignores?: PushIgnores;
  /** The replayed session's own player id: broadcasts from anyone else that came late are not unexpected. */
  readonly self?: string;
}

const MAX_EXAMPLES = 5;

/** What groups a push into a stream: its type, and the event name, error code or resource name, and a broadcast's source. */
export interface PushKind {
  readonly type: string;
  readonly name: string | null;
  /** A broadcast's source (translated to the replay's id when a translation is given). */
  readonly source: string | null;
}

export function pushKind(p: PushItem, translate?: (s: string) => string | undefined): PushKind {
  const b = (p.body ?? {}) as Record<string, unknown>;
  if (p.type === 'EVENT_BROADCAST' && typeof b.name === 'string') {
    const source = typeof b.source === 'string' ? (translate?.(b.source) ?? b.source) : typeof b.source === 'number' ? String(b.source) : null;
    return { type: p.type, name: b.name, source };
  }
  if (p.type === 'ERROR' && typeof b.code === 'string') return { type: p.type, name: b.code, source: null };
  if (p.type === 'RESOURCE_UPDATE' && typeof b.name === 'string') return { type: p.type, name: b.name, source: null };
  return { type: p.type, name: null, source: null };
}

/**
 * "EVENT_BROADCAST chat.say from p-2", "ERROR RATE_LIMITED", "RESOURCE_UPDATE
 * sprites.bin", or the type. Broadcasts from different sources are separate
 * streams: two players waving at the same moment may arrive either way round.
 */
export function pushKey(p: PushItem, translate?: (s: string) => string | undefined): string {
  return keyOf(pushKind(p, translate));
}

function keyOf(k: PushKind): string {
  return `${k.type}${k.name !== null ? ` ${k.name}` : ''}${k.source !== null ? ` from ${k.source}` : ''}`;
}

/**
 * Compares the pushes of one session, kind by kind. Kinds an ignore rule
 * names are counted and listed as ignored, not compared, and teach the
 * identity map nothing.
 */
export function comparePushes(captured: readonly PushItem[], replayed: readonly PushItem[], rules: CompareRules, identities: IdentityMap, o: PushCompareOptions = {}): PushComparison[] {
  const ignores = o.ignores;
  interface Group {
    readonly kind: PushKind;
    readonly c: PushItem[];
    readonly r: PushItem[];
    /** The sources as captured (before translation), for ignore rules written with the old ids. */
    readonly capturedSources: Set<string>;
  }
  const groups = new Map<string, Group>();
  const add = (p: PushItem, translate: ((s: string) => string | undefined) | undefined, side: 'c' | 'r'): void => {
    const kind = pushKind(p, translate);
    const k = keyOf(kind);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { kind, c: [], r: [], capturedSources: new Set() }));
    g[side].push(p);
    if (side === 'c') {
      const raw = pushKind(p).source;
      if (raw !== null) g.capturedSources.add(raw);
    }
  };
  for (const p of captured) add(p, identities.translate, 'c');
  for (const p of replayed) add(p, undefined, 'r');
  const ignoredBy = new Map<Group, string>();
  if (ignores?.size) {
    for (const g of groups.values()) {
      const rule = ignores.match(g.kind, [...g.capturedSources]);
      if (rule) ignoredBy.set(g, rule.text);
    }
  }
  // Learn every pairing first: a later broadcast may refer to an earlier one's id.
  for (const g of groups.values()) {
    if (ignoredBy.has(g)) continue;
    for (let i = 0; i < Math.min(g.c.length, g.r.length); i++) identities.learnFrom(g.c[i]!.type, 'push', g.c[i]!.body, g.r[i]!.body);
  }
  const out: PushComparison[] = [];
  for (const [key, g] of [...groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const rule = ignoredBy.get(g);
    if (rule !== undefined) {
      out.push({ key, captured: g.c.length, replayed: g.r.length, matched: 0, differed: 0, missing: 0, unexpected: 0, examples: [], ignored: rule });
      continue;
    }
    let matched = 0;
    let differed = 0;
    const examples: { verdict: ReplayVerdict; index: number; differences: ValueDifference[] }[] = [];
    const n = Math.min(g.c.length, g.r.length);
    for (let i = 0; i < n; i++) {
      const d = compareJson(g.c[i]!.body, g.r[i]!.body, rules, g.c[i]!.type, 5);
      if (d.total === 0) matched++;
      else {
        differed++;
        if (examples.length < MAX_EXAMPLES) examples.push({ verdict: 'differed', index: i + 1, differences: d.differences });
      }
    }
    for (let i = n; i < g.c.length && examples.length < MAX_EXAMPLES; i++) examples.push({ verdict: 'missing', index: i + 1, differences: [{ path: '', kind: 'missing', captured: g.c[i]!.body }] });
    // Another player's broadcast that reached the replay only because it stayed to let the server finish (the captured
    // session had ended by then) says nothing about the server: counted apart, not as unexpected.
    const othersLate = g.kind.type === 'EVENT_BROADCAST' && g.kind.source !== null && o.self !== undefined && g.kind.source !== o.self;
    let late = 0;
    for (let i = n; i < g.r.length; i++) {
      if (othersLate && g.r[i]!.late) late++;
      else if (examples.length < MAX_EXAMPLES) examples.push({ verdict: 'unexpected', index: i + 1, differences: [{ path: '', kind: 'unexpected', replayed: g.r[i]!.body }] });
    }
    out.push({
      key,
      captured: g.c.length,
      replayed: g.r.length,
      matched,
      differed,
      missing: Math.max(0, g.c.length - n),
      unexpected: Math.max(0, g.r.length - n) - late,
      examples,
      ...(late ? { late } : {}),
    });
  }
  return out;
}

export function pushesVerdict(p: readonly PushComparison[]): ReplayVerdict {
  if (p.some((x) => x.differed)) return 'differed';
  if (p.some((x) => x.missing)) return 'missing';
  if (p.some((x) => x.unexpected)) return 'unexpected';
  return 'matched';
}
