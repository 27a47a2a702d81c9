/**
 * Pushes that are not state (EVENT_BROADCAST, RESOURCE_UPDATE, ERROR with
 * ref 0, …) compared as streams: grouped by kind (type plus event name or
 * error code), then the n-th captured one of a kind with the n-th replayed
 * one. Interleaving between kinds is timing and is not compared. The server
 * mints broadcast ids anew each run: pairing two broadcasts teaches the
 * identity map their ids before their bodies are compared.
 */
import { type PushComparison, type ReplayVerdict, type ValueDifference } from '../../src-shared/ipc/replay';
import { compareJson, type CompareRules } from './compare';
import { type IdentityMap } from './identity';

export interface PushItem {
  readonly type: string;
  readonly body: unknown;
}

const MAX_EXAMPLES = 5;

/** "EVENT_BROADCAST chat.say", "ERROR RATE_LIMITED", "RESOURCE_UPDATE sprites.bin", or the type. */
export function pushKey(p: PushItem): string {
  const b = (p.body ?? {}) as Record<string, unknown>;
  if (p.type === 'EVENT_BROADCAST' && typeof b.name === 'string') return `${p.type} ${b.name}`;
  if (p.type === 'ERROR' && typeof b.code === 'string') return `${p.type} ${b.code}`;
  if (p.type === 'RESOURCE_UPDATE' && typeof b.name === 'string') return `${p.type} ${b.name}`;
  return p.type;
}

export function comparePushes(captured: readonly PushItem[], replayed: readonly PushItem[], rules: CompareRules, identities: IdentityMap): PushComparison[] {
  const groups = new Map<string, { c: PushItem[]; r: PushItem[] }>();
  const group = (k: string): { c: PushItem[]; r: PushItem[] } => {
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { c: [], r: [] }));
    return g;
  };
  for (const p of captured) group(pushKey(p)).c.push(p);
  for (const p of replayed) group(pushKey(p)).r.push(p);
  // Learn every pairing first: a later broadcast may refer to an earlier one's id.
  for (const g of groups.values()) {
    for (let i = 0; i < Math.min(g.c.length, g.r.length); i++) identities.learnFrom(g.c[i]!.type, 'push', g.c[i]!.body, g.r[i]!.body);
  }
  const out: PushComparison[] = [];
  for (const [key, g] of [...groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
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
    for (let i = n; i < g.r.length && examples.length < MAX_EXAMPLES; i++) examples.push({ verdict: 'unexpected', index: i + 1, differences: [{ path: '', kind: 'unexpected', replayed: g.r[i]!.body }] });
    out.push({
      key,
      captured: g.c.length,
      replayed: g.r.length,
      matched,
      differed,
      missing: Math.max(0, g.c.length - n),
      unexpected: Math.max(0, g.r.length - n),
      examples,
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
