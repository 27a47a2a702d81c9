/**
 * recordBatches() and summaryBatches() give exactly what records() gives —
 * same records, same order, same filters and limits — whatever the window
 * size, the block sizes, the byte order or who wrote the packets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureWriter } from './writer';
import { CaptureReader, type RecordQuery } from './reader';
import { type CapturedRecord } from './captured-record';
import { type SummaryBatch } from './summary-batch';
import { indexPath } from './parts';
import { encodeEpb, encodeIdb, encodeShb } from './pcapng/encode';
import { type MessageRecord } from '../../src-shared/records';
import { everyTypeRecords, sessionMeta, T0, up2Record } from '../../test-support/capture/sample-records';
import { toBigEndian } from '../../test-support/capture/big-endian';

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otb-batches-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(records: readonly MessageRecord[], opts: { rotateBytes?: number; extras?: (r: MessageRecord, i: number) => Parameters<CaptureWriter['writeRecord']>[1] } = {}): Promise<string> {
  const path = join(dir, `c${n++}.pcapng`);
  const w = await CaptureWriter.open(path, { rotateBytes: opts.rotateBytes ?? 0 });
  for (const s of new Set(records.map((r) => r.session))) w.writeSession(sessionMeta(s));
  records.forEach((r, i) => expect(w.writeRecord(r, opts.extras?.(r, i))).toBe(true));
  await w.close();
  return path;
}

async function viaRecords(reader: CaptureReader, q: RecordQuery): Promise<CapturedRecord[]> {
  const out: CapturedRecord[] = [];
  for await (const r of reader.records(q)) out.push(r);
  return out;
}

async function viaRecordBatches(reader: CaptureReader, q: RecordQuery): Promise<CapturedRecord[]> {
  const out: CapturedRecord[] = [];
  for await (const b of reader.recordBatches(q)) {
    expect(b.length).toBeGreaterThan(0);
    out.push(...b);
  }
  return out;
}

/** Every row of every summary batch, as what a record would say of itself. */
async function viaSummaryBatches(reader: CaptureReader, q: RecordQuery): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const b of reader.summaryBatches(q)) {
    expect(b.length).toBeGreaterThan(0);
    for (let i = 0; i < b.length; i++) out.push(row(b, i));
  }
  return out;
}

function row(b: SummaryBatch, i: number): unknown {
  return { ...b.summary(i), pdu: b.pdu(i), part: b.part[i], offset: b.offset[i], src: b.src[i], dst: b.dst[i] };
}

const asRow = (r: CapturedRecord): unknown => ({ ...r.summary(), pdu: r.pdu, part: r.part, offset: r.offset, src: r.src, dst: r.dst });
const bytesOf = (r: CapturedRecord): string => `${Buffer.from(r.plain ?? []).toString('hex')}/${Buffer.from(r.wire ?? []).toString('hex')}`;

async function expectSame(reader: CaptureReader, q: RecordQuery): Promise<number> {
  const want = await viaRecords(reader, q);
  const batched = await viaRecordBatches(reader, q);
  expect(batched.map(asRow)).toEqual(want.map(asRow));
  if (q.bytes !== false) expect(batched.map(bytesOf)).toEqual(want.map(bytesOf));
  expect(await viaSummaryBatches(reader, q)).toEqual(want.map(asRow));
  return want.length;
}

describe('batches', () => {
  it('the same records as records(), for every kind of query, across rotated parts', async () => {
    const records: MessageRecord[] = [];
    for (let s = 1; s <= 3; s++) records.push(...everyTypeRecords({ session: s, firstId: s * 1000, startTime: T0 + s }));
    records.sort((a, b) => a.id - b.id);
    const path = await write(records, { rotateBytes: 12 * 1024 });
    const reader = await CaptureReader.open(path, { windowBytes: 8192 });
    expect(reader.files.length).toBeGreaterThan(2);
    const ids = records.map((r) => r.id);
    const queries: RecordQuery[] = [
      {},
      { bytes: false },
      { session: 2 },
      { dir: 's2c' },
      { session: 3, dir: 'c2s', bytes: false },
      { fromId: ids[20]!, toId: ids[90]! },
      { fromId: ids[5]!, limit: 17 },
      { limit: 1 },
      { session: 9 },
    ];
    for (const q of queries) {
      const count = await expectSame(reader, q);
      if (q.session === 9) expect(count).toBe(0);
      if (q.limit) expect(count).toBe(q.limit);
    }
    expect(reader.warnings).toEqual([]);
    await reader.close();
  });

  it('any window size, blocks bigger than windows and than the carry room, through a loaded or a rebuilt index', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 20_000, max: 300_000 })), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 64, max: 100_000 }),
        async (sizes, windowBytes) => {
          const records = sizes.map((size, i) => up2Record(i + 1, 0x21, { pad: 'x'.repeat(size) }, { session: 1 + (i % 2), dir: i % 3 ? 'c2s' : 's2c' }));
          const path = await write(records);
          for (const rebuildIndex of [false, true]) {
            const reader = await CaptureReader.open(path, { windowBytes, rebuildIndex, persistIndex: false });
            const got = await viaRecordBatches(reader, {});
            expect(got.map((r) => r.id)).toEqual(records.map((r) => r.id));
            got.forEach((r, i) => expect(Buffer.from(r.plain!).equals(Buffer.from(records[i]!.plain!))).toBe(true));
            expect(await viaSummaryBatches(reader, {})).toEqual(got.map(asRow));
            expect(reader.warnings).toEqual([]);
            await reader.close();
          }
          await rm(path);
          await rm(indexPath(path));
        },
      ),
      { numRuns: 15 },
    );
  });

  it('each record keeps its own endpoints when the packets of one session and direction carry different ones', async () => {
    const records = Array.from({ length: 40 }, (_, i) => up2Record(i + 1, 0x05, { t: i }, { session: 1, dir: 'c2s' }));
    const path = await write(records, {
      extras: (_, i) => ({ src: { address: `10.0.${i % 7}.1`, port: 40_000 + i }, dst: { address: '10.9.9.9', port: 7180 } }),
    });
    const reader = await CaptureReader.open(path);
    const rows = (await viaSummaryBatches(reader, {})) as { src: { port: number; address: string } }[];
    expect(rows.map((r) => r.src)).toEqual(records.map((_, i) => ({ address: `10.0.${i % 7}.1`, port: 40_000 + i })));
    expect((await viaRecordBatches(reader, {})).map((r) => r.src?.port)).toEqual(records.map((_, i) => 40_000 + i));
    await reader.close();
  });

  it('a big-endian capture gives the same batches', async () => {
    const path = await write(everyTypeRecords());
    const bePath = join(dir, 'be.pcapng');
    await writeFile(bePath, toBigEndian(await readFile(path)));
    const le = await CaptureReader.open(path);
    const be = await CaptureReader.open(bePath, { persistIndex: false });
    expect(await viaSummaryBatches(be, {})).toEqual(await viaSummaryBatches(le, {}));
    expect((await viaRecordBatches(be, {})).map(bytesOf)).toEqual((await viaRecordBatches(le, {})).map(bytesOf));
    expect(be.warnings).toEqual([]);
    await le.close();
    await be.close();
  });

  it("another tool's Exported PDUs (no otbridge summary) come out of summaryBatches as records() reads them", async () => {
    const rec = up2Record(1, 0x21, { action: 'walk' }, { seq: 9 });
    const tags = Buffer.from([0, 12, 0, 4, 0x75, 0x70, 0x32, 0, 0, 0, 0, 0]); // dissector "up2", end
    const path = join(dir, 'foreign.pcapng');
    const epb = (t: number): Uint8Array => encodeEpb({ interfaceId: 0, timestamp: t, data: [tags, rec.wire!], options: [] });
    await writeFile(path, Buffer.concat([encodeShb([]), encodeIdb(252, []), epb(5_000_000), epb(6_000_000)]));
    const reader = await CaptureReader.open(path, { persistIndex: false });
    const want = await viaRecords(reader, {});
    expect(want).toHaveLength(2);
    expect(await viaSummaryBatches(reader, {})).toEqual(want.map(asRow));
    await reader.close();
  });
});
