/**
 * Verification after a run: per table, the row count and an
 * order-independent checksum of what the source should have become (read,
 * transformed and validated again, minus the run's rejects) against what the
 * target holds. The checksum is the sum modulo 2^64 of a 64-bit hash per
 * row, so it needs no sorting and no memory per row, and it counts
 * duplicates (a XOR would cancel them out).
 *
 * When the expected side is small enough (≤ `keyLimit` rows) the rows are
 * also kept by key, so a mismatch names the keys that are missing, extra or
 * different. A selective run is compared on the selected keys only.
 */
import { createHash } from 'node:crypto';
import { type RunState } from './checkpoint';
import { type TableMapper } from './mapper';
import { makePlan, orderKey, type TablePlan } from './plan';
import { resolveOptions, type Profile } from './profile';
import { readRejects } from './rejects';
import { parseSelection } from './selection';
import { UNREADABLE, type Source, type Target } from './adapters/types';
import { coerce, toJsonValue, type ColumnType, type Value } from './values';
import { type TableVerificationResult, type VerificationResult } from '../../../src-shared/ipc/migrate';

// The report's shapes are plain data shared with the console (src-shared/ipc/migrate.ts): one definition for both.
export type TableVerification = TableVerificationResult;
export type VerificationReport = VerificationResult;

export interface VerifyOptions {
  readonly profile: Profile;
  readonly source: Source;
  readonly target: Target;
  /** The run to verify (its type, selection, options and clock); from the checkpoint. */
  readonly run: Pick<RunState, 'type' | 'select' | 'options' | 'now'>;
  readonly rejectsPath?: string;
  /** Expected rows up to which keys are kept for listing (default 200 000). */
  readonly keyLimit?: number;
  /** Keys listed per kind of mismatch (default 20). */
  readonly listLimit?: number;
  readonly batchSize?: number;
}

const MASK = (1n << 64n) - 1n;

export async function verifyMigration(o: VerifyOptions): Promise<VerificationReport> {
  const selective = o.run.type === 'selective';
  const selection = selective || o.run.select.length ? parseSelection(o.profile, o.run.select) : undefined;
  const plan = await makePlan({
    profile: o.profile,
    source: o.source,
    target: o.target,
    // Incremental runs leave the target equal to the whole source: compare everything.
    type: selective ? 'selective' : 'full',
    ...(selection ? { selection } : {}),
    watermarks: {},
    now: o.run.now,
    options: resolveOptions(o.profile, o.run.options),
  });
  if (plan.errors.length) throw new Error(`cannot verify:\n  ${plan.errors.join('\n  ')}`);
  const rejects = new Map<string, Set<string>>();
  // Only rows the target refused need the file; the other kinds of reject are recomputed below.
  for (const r of o.rejectsPath ? readRejects(o.rejectsPath) : []) {
    if (r.kind !== 'refused') continue;
    let s = rejects.get(r.table);
    if (!s) rejects.set(r.table, (s = new Set()));
    s.add(JSON.stringify(r.key));
  }
  const tables: TableVerification[] = [];
  for (const t of plan.tables) {
    // Rows the run itself sets at the end (server_config.db_version) are not copies of source rows.
    const own = new Set(
      o.profile.finalize.setConfig.filter((s) => s.table === t.spec.target && t.spec.key.length === 1 && t.spec.key[0] === s.keyColumn).map((s) => JSON.stringify({ [s.keyColumn]: s.key })),
    );
    tables.push(await verifyTable(o, t, rejects.get(t.spec.source) ?? new Set(), selective, own));
  }
  return { ok: tables.every((t) => t.ok), scope: selective ? 'selected' : 'all', tables };
}

async function verifyTable(o: VerifyOptions, t: TablePlan, rejected: Set<string>, selective: boolean, own: Set<string>): Promise<TableVerification> {
  const keyLimit = o.keyLimit ?? 200_000;
  const listLimit = o.listLimit ?? 20;
  const batchSize = o.batchSize ?? 2000;
  const { mapper, spec } = t;
  const identity = identityOf(mapper);

  let expectedRows = 0;
  let expectedSum = 0n;
  let rejectedCount = 0;
  let byKey: Map<string, { sum: bigint; n: number }> | undefined = new Map();
  const dedupe = !t.groupColumn && o.source.sql;
  const orderAt = t.order.map((c) => t.select.indexOf(c));
  let prevOrder: string | undefined;
  for await (const rows of o.source.scan({ table: spec.source, columns: t.select, order: t.order, where: t.where, batchSize })) {
    for (const row of rows) {
      if ((row as unknown as Record<symbol, unknown>)[UNREADABLE] !== undefined) {
        rejectedCount++;
        continue;
      }
      if (dedupe) {
        const k = orderKey(row, orderAt);
        if (k === prevOrder) {
          rejectedCount++;
          continue;
        }
        prevOrder = k;
      }
      const result = mapper.map(row);
      if (result.reasons || rejected.has(JSON.stringify(targetKey(mapper, result.values)))) {
        rejectedCount++;
        continue;
      }
      const h = rowHash(result.values, mapper.types);
      expectedRows++;
      expectedSum = (expectedSum + h) & MASK;
      if (byKey) {
        const id = identity(result.values);
        const cur = byKey.get(id);
        if (cur) {
          cur.sum = (cur.sum + h) & MASK;
          cur.n++;
        } else byKey.set(id, { sum: h, n: 1 });
        if (byKey.size > keyLimit) byKey = undefined;
      }
    }
  }
  if (selective && !byKey) throw new Error(`${spec.source}: more than ${keyLimit} selected rows; verify a smaller selection`);

  let targetRows = 0;
  let targetSum = 0n;
  const seen = new Map<string, { sum: bigint; n: number }>();
  for await (const rows of o.target.scanAll(spec.target, mapper.targetColumns, batchSize)) {
    for (const raw of rows) {
      const values = raw.map((v, i) => {
        const c = coerce(v, mapper.types[i]!);
        return c instanceof Error ? (v as Value) : c;
      });
      const id = byKey || own.size ? identity(values) : '';
      if (own.has(id) || (selective && !byKey!.has(id))) continue;
      const h = rowHash(values, mapper.types);
      targetRows++;
      targetSum = (targetSum + h) & MASK;
      if (byKey) {
        const cur = seen.get(id);
        if (cur) {
          cur.sum = (cur.sum + h) & MASK;
          cur.n++;
        } else seen.set(id, { sum: h, n: 1 });
      }
    }
  }
  const ok = expectedRows === targetRows && expectedSum === targetSum;
  const missing: string[] = [];
  const extra: string[] = [];
  const different: string[] = [];
  if (!ok && byKey) {
    for (const [id, e] of byKey) {
      const a = seen.get(id);
      const list = !a ? missing : a.sum !== e.sum || a.n !== e.n ? different : undefined;
      if (list && list.length < listLimit) list.push(id);
    }
    for (const id of seen.keys()) if (!byKey.has(id) && extra.length < listLimit) extra.push(id);
  }
  return {
    source: spec.source,
    target: spec.target,
    expectedRows,
    targetRows,
    expectedChecksum: expectedSum.toString(16).padStart(16, '0'),
    targetChecksum: targetSum.toString(16).padStart(16, '0'),
    ok,
    rejected: rejectedCount,
    missing,
    extra,
    different,
    ...(!ok && !byKey ? { note: `more than ${keyLimit} rows: counts and checksums only, keys not listed` } : {}),
  };
}

/** A row's identity for listing: its key (upsert tables) or its group (replace tables), as JSON. */
function identityOf(m: TableMapper): (values: readonly Value[]) => string {
  const cols = m.spec.write === 'replace' && m.spec.group ? [m.spec.group] : m.spec.key;
  const idx = cols.map((c) => m.targetColumns.indexOf(c));
  const types = idx.map((i) => m.types[i]!);
  return (values) => JSON.stringify(Object.fromEntries(cols.map((c, j) => [c, toJsonValue(normalise(values[idx[j]!]!, types[j]!))])));
}

function targetKey(m: TableMapper, values: readonly Value[]): Record<string, unknown> {
  return Object.fromEntries(m.spec.key.map((k) => [k, toJsonValue(values[m.targetColumns.indexOf(k)]!)]));
}

function normalise(v: Value, type: ColumnType): Value {
  const c = coerce(v, type);
  return c instanceof Error ? v : c;
}

const enc = new TextEncoder();

/** 64-bit hash of a row's values in their declared types; equal values from any driver hash equally. */
export function rowHash(values: readonly Value[], types: readonly ColumnType[]): bigint {
  const h = createHash('sha1');
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      h.update('\u0000N');
      continue;
    }
    switch (types[i]) {
      case 'int':
      case 'real':
        h.update(`\u0000#${String(v)}`);
        break;
      case 'text':
        h.update(`\u0000S${String(v).length}:`).update(typeof v === 'string' ? v : String(v));
        break;
      default: {
        const bytes = v instanceof Uint8Array ? v : enc.encode(String(v));
        h.update(`\u0000B${bytes.byteLength}:`).update(bytes);
      }
    }
  }
  return h.digest().readBigUInt64LE(0);
}
