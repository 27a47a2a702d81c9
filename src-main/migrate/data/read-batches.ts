/**
 * The read half of a table's run: scan the source in order, reject what
 * cannot go (unreadable lines, duplicate keys, rows that fail the profile's
 * rules), map the rest, and hand over batches. The write half (runner.ts)
 * writes each batch, then checkpoints it.
 *
 * It is plain data in and out, so the same code runs inline (the generator
 * is suspended while its batch is written) or in a reader thread
 * (read-thread.ts) that reads ahead while the main thread writes.
 */
import { compareValues, decode, type TablePlan } from './plan';
import { rejectRecord, type RejectRecord } from './rejects';
import { type TableMapper } from './mapper';
import { LINE, UNREADABLE, type Source } from './adapters/types';
import { toJsonValue, type Row, type SourceRow, type Value } from './values';

/**
 * What one table's read needs: the plan's part of it (no mapper, no estimates:
 * a read plan crosses to the reader thread as plain data, without `predicate`)
 * plus where the last committed batch ended.
 */
export interface ReadPlan extends Pick<TablePlan, 'spec' | 'select' | 'order' | 'groupColumn' | 'where' | 'predicate' | 'watermarkColumns'> {
  readonly batchSize: number;
  /** JSON-encoded order values of the last committed row (resume), if any. */
  readonly after?: readonly unknown[];
  /** Sources without SQL: the last committed line. */
  readonly line?: number;
  /** JSON-encoded watermark as of the last committed batch. */
  readonly watermark?: Readonly<Record<string, unknown>>;
}

/** One batch, ready to write. */
export interface ReadBatch {
  /** Mapped rows, values in the mapper's target column order. */
  readonly rows: Value[][];
  /** Rows rejected while reading (invalid, duplicate, unreadable), in source order. */
  readonly rejects: RejectRecord[];
  /** Source rows this batch consumed (rows + rejects). */
  readonly read: number;
  /** JSON-encoded order values of the batch's last source row: the resume position once it commits. */
  readonly after: unknown[];
  readonly line?: number;
  /** JSON-encoded watermark including this batch, if the table keeps one. */
  readonly watermark?: Record<string, unknown>;
}

export class ReadError extends Error {}

export async function* readBatches(source: Source, plan: ReadPlan, mapper: TableMapper): AsyncGenerator<ReadBatch, void, undefined> {
  const { spec, select, order, batchSize } = plan;
  const sql = source.sql;
  const at = (c: string) => select.indexOf(c);
  const orderAt = order.map(at);
  const groupAt = plan.groupColumn ? at(plan.groupColumn) : -1;
  const marksAt = (plan.watermarkColumns ?? []).map((c) => [c, at(c)] as const);
  const watermark = new Map<string, Value>(Object.entries(plan.watermark ?? {}).map(([c, v]) => [c, decode(v)]));
  const seenGroups = sql ? undefined : new Set<string>();

  let rows: Value[][] = [];
  let rejects: RejectRecord[] = [];
  let read = 0;
  let lastRow: SourceRow | undefined;
  let prevKeyed: SourceRow | undefined;
  const take = (): ReadBatch => {
    const line = (lastRow as unknown as Record<symbol, unknown>)[LINE];
    const b: ReadBatch = {
      rows,
      rejects,
      read,
      after: orderAt.map((i) => toJsonValue(lastRow![i] ?? null)),
      ...(typeof line === 'number' ? { line } : {}),
      ...(watermark.size ? { watermark: Object.fromEntries([...watermark].map(([c, v]) => [c, toJsonValue(v)])) } : {}),
    };
    rows = [];
    rejects = [];
    read = 0;
    return b;
  };

  const scan = source.scan({
    table: spec.source,
    columns: select,
    order,
    where: plan.where,
    ...(plan.after && sql ? { after: plan.after.map(decode) } : {}),
    ...(plan.line ? { skip: plan.line } : {}),
    ...(plan.predicate ? { predicate: plan.predicate } : {}),
    batchSize,
  });
  for await (const chunk of scan) {
    for (const row of chunk) {
      // Only sources without SQL (NDJSON) mark rows they could not read.
      const unreadable = sql ? undefined : (row as unknown as Record<symbol, unknown>)[UNREADABLE];
      const newGroup = groupAt >= 0 && lastRow !== undefined && !sameValue(row[groupAt], lastRow[groupAt]);
      // 'replace' tables: a batch holds whole groups, so a batch ends only where a new group begins.
      if (rows.length + rejects.length >= batchSize && (groupAt < 0 || newGroup)) yield take();
      if (newGroup && seenGroups) {
        seenGroups.add(String(lastRow![groupAt]));
        if (seenGroups.has(String(row[groupAt])))
          throw new ReadError(`${spec.source}: group ${plan.groupColumn}=${String(row[groupAt])} appears again further down; an NDJSON source of a "replace" table must be sorted by ${plan.groupColumn}`);
      }
      lastRow = row;
      read++;
      if (typeof unreadable === 'string') {
        rejects.push({ table: spec.source, kind: 'unreadable', key: {}, row: {}, reasons: [unreadable] });
        continue;
      }
      for (const [c, i] of marksAt) {
        const v = row[i];
        const cur = watermark.get(c);
        if (v != null && (cur == null || compareValues(v, cur) > 0)) watermark.set(c, v);
      }
      if (groupAt < 0 && sql) {
        if (prevKeyed !== undefined && sameKey(row, prevKeyed, orderAt)) {
          rejects.push(rejectRecord(spec.source, 'duplicate', order, named(row, select), [`duplicate key (${order.join(', ')}) in the source: ${spec.target} allows one row per key`]));
          continue;
        }
        prevKeyed = row;
      }
      const result = mapper.map(row);
      if (result.reasons) rejects.push(rejectRecord(spec.source, 'invalid', order, named(row, select), result.reasons));
      else rows.push(result.values);
    }
  }
  if (lastRow !== undefined && read > 0) yield take();
}

export function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) return typeof a === typeof b ? a === b : BigInt(a) === BigInt(b);
  return a === b || (a instanceof Uint8Array && b instanceof Uint8Array && Buffer.compare(a, b) === 0);
}

/** Whether two rows of an ordered scan have the same order values (the second is then a duplicate). */
function sameKey(a: SourceRow, b: SourceRow, at: readonly number[]): boolean {
  for (const i of at) if (!sameValue(a[i], b[i])) return false;
  return true;
}

/** A source row as an object, for the rejects file. */
function named(row: SourceRow, cols: readonly string[]): Row {
  const out: Row = {};
  cols.forEach((c, i) => (out[c] = row[i] ?? null));
  return out;
}
