/**
 * The fields a filter can test, each with how it reads a MessageSummary.
 * Every reader is a plain property access or a loop over a small array: the
 * compiled filter runs on every message in main and must not allocate.
 */
import type { MessageSummary } from '../records';
import { globMatch } from './glob';
import { parseDuration, parseInteger, parseSize, type Parsed } from './values';

type Get = (s: MessageSummary) => number | null | undefined;
type Test = (s: MessageSummary) => boolean;
/** Whether one text pattern (a glob, case-insensitive) matches the message. */
type MatchText = (s: MessageSummary, pattern: string) => boolean;

interface Common {
  readonly name: string;
  readonly aliases?: readonly string[];
  /** One line for the help popover. */
  readonly summary: string;
  readonly examples: readonly string[];
  /** What the field alone (no comparison) means, when it means something. */
  readonly bare?: { readonly test: Test; readonly describe: string };
}

export interface NumberField extends Common {
  readonly kind: 'number';
  readonly get: Get;
  readonly parse: (text: string) => Parsed;
  /** How values are written back in descriptions. */
  readonly unit: 'count' | 'bytes' | 'ms';
}

export interface TextField extends Common {
  readonly kind: 'text';
  readonly match: MatchText;
}

/** Text with a closed set of values (checked when the filter is compiled). */
export interface EnumField extends Common {
  readonly kind: 'enum';
  readonly values: readonly string[];
  readonly read: (s: MessageSummary) => string;
}

export type FieldDef = NumberField | TextField | EnumField;

/** Matches the whole text or its code part before the first ':' ("DECRYPT_FAILED: bad tag"). */
function matchCodeOrWhole(pattern: string, text: string): boolean {
  if (globMatch(pattern, text)) return true;
  const colon = text.indexOf(':');
  return colon > 0 && globMatch(pattern, text, 0, colon);
}

/** Matches a fault label whole or by its first word ("latency 120ms" matches "latency"). */
function matchFirstWordOrWhole(pattern: string, text: string): boolean {
  if (globMatch(pattern, text)) return true;
  const space = text.indexOf(' ');
  return space > 0 && globMatch(pattern, text, 0, space);
}

export const FIELDS: readonly FieldDef[] = [
  {
    kind: 'text',
    name: 'type',
    summary: 'message type name; * and ? are wildcards',
    examples: ['type:PLAYER_MOVE', 'type:PLAYER_*', 'type:HEARTBEAT,PING'],
    match: (s, p) => globMatch(p, s.type),
  },
  {
    kind: 'enum',
    name: 'dir',
    aliases: ['direction'],
    summary: 'direction: c2s (client → server) or s2c (server → client)',
    examples: ['dir:c2s', 'dir:s2c'],
    values: ['c2s', 's2c'],
    read: (s) => s.dir,
  },
  {
    kind: 'number',
    name: 'session',
    summary: 'proxy session number',
    examples: ['session:3', 'session:3,4', 'session>10'],
    unit: 'count',
    get: (s) => s.session,
    parse: parseInteger,
  },
  {
    kind: 'number',
    name: 'size',
    aliases: ['wire'],
    summary: 'bytes on the wire, header included; units b, k, m, g (1k = 1024)',
    examples: ['size>1k', 'size<=512', 'size:1k..4k'],
    unit: 'bytes',
    get: (s) => s.wireSize,
    parse: parseSize,
  },
  {
    kind: 'number',
    name: 'body',
    summary: 'body bytes after decryption and decompression',
    examples: ['body>64kb', 'body:0'],
    unit: 'bytes',
    get: (s) => s.bodySize,
    parse: parseSize,
  },
  {
    kind: 'number',
    name: 'latency',
    summary: 'for a response, time since its request; units us, ms, s (bare number = ms)',
    examples: ['latency>20ms', 'latency>=1s', 'latency'],
    unit: 'ms',
    get: (s) => s.latencyMs,
    parse: parseDuration,
    bare: { test: (s) => s.latencyMs !== undefined, describe: 'has a latency (is a paired response)' },
  },
  {
    kind: 'text',
    name: 'error',
    summary: 'decode problem; alone: any error; with a value: its code (wildcards allowed)',
    examples: ['error', 'error:DECRYPT_*', '!error'],
    match: (s, p) => s.error !== undefined && matchCodeOrWhole(p, s.error),
    bare: { test: (s) => s.error !== undefined && s.error !== '', describe: 'has an error' },
  },
  {
    kind: 'text',
    name: 'fault',
    summary: 'faults the proxy applied; alone: any fault; with a value: its kind',
    examples: ['fault', 'fault:drop', 'fault:latency'],
    match: (s, p) => {
      const f = s.faults;
      if (f === undefined) return false;
      for (let i = 0; i < f.length; i++) if (matchFirstWordOrWhole(p, f[i]!)) return true;
      return false;
    },
    bare: { test: (s) => s.faults !== undefined && s.faults.length > 0, describe: 'has a fault applied' },
  },
  {
    kind: 'text',
    name: 'flag',
    summary: 'a header flag: RESPONSE, ENCRYPTED, COMPRESSED, P0..P3, …',
    examples: ['flag:RESPONSE', '!flag:ENCRYPTED', 'flag:P3'],
    match: (s, p) => {
      const f = s.flags;
      for (let i = 0; i < f.length; i++) if (globMatch(p, f[i]!)) return true;
      return false;
    },
  },
  {
    kind: 'number',
    name: 'seq',
    summary: 'sequence number; alone: has one',
    examples: ['seq:42', 'seq>1000'],
    unit: 'count',
    get: (s) => s.seq,
    parse: parseInteger,
    bare: { test: (s) => s.seq !== null, describe: 'has a sequence number' },
  },
  {
    kind: 'number',
    name: 'ref',
    summary: 'for a response, the seq it answers; alone: is a response',
    examples: ['ref:42', 'ref'],
    unit: 'count',
    get: (s) => s.ref,
    parse: parseInteger,
    bare: { test: (s) => s.ref !== null, describe: 'has a ref' },
  },
  {
    kind: 'number',
    name: 'id',
    summary: 'message id in this run or capture',
    examples: ['id:1200', 'id>=5000'],
    unit: 'count',
    get: (s) => s.id,
    parse: parseInteger,
  },
  {
    kind: 'number',
    name: 'code',
    summary: 'numeric type or opcode, decimal or 0x…',
    examples: ['code:0x20', 'code:32'],
    unit: 'count',
    get: (s) => s.code,
    parse: parseInteger,
  },
  {
    kind: 'text',
    name: 'dialect',
    summary: 'protocol that decoded it: up2, otgame',
    examples: ['dialect:up2', 'dialect:otgame'],
    match: (s, p) => globMatch(p, s.dialect),
  },
];

const byName = new Map<string, FieldDef>();
for (const f of FIELDS) {
  byName.set(f.name, f);
  for (const a of f.aliases ?? []) byName.set(a, f);
}

export const fieldByName = (name: string): FieldDef | undefined => byName.get(name.toLowerCase());

/** The field names closest to a mistyped one (edit distance ≤ 2), for "did you mean". */
export function closestField(name: string): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  // Short names are a step away from everything ("a" → "id"): only suggest when most of the name survives.
  let bestD = Math.min(3, name.length - 1);
  for (const key of byName.keys()) {
    const d = editDistance(lower, key, bestD);
    if (d < bestD) {
      bestD = d;
      best = key;
    }
  }
  return best;
}

/** Levenshtein distance, giving up (returning `cap`) once it must exceed it. */
function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin >= cap) return cap;
    prev = cur;
  }
  return Math.min(cap, prev[b.length]!);
}
