/**
 * An index is trusted only as far as it checks out: one that is damaged,
 * hostile or stale is rebuilt (with a warning saying why), and an entry that
 * still points at the wrong bytes is skipped with a warning when read —
 * never a crash, never a wrong record.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureWriter } from './writer';
import { CaptureReader } from './reader';
import { indexPath } from './parts';
import { ENTRY_SIZE, INDEX_HEADER_SIZE } from './index-table';
import { up2Record, sessionMeta } from '../../test-support/capture/sample-records';

let dir: string;
let path: string;
const RECORDS = 50;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otb-idx-'));
  path = join(dir, 'c.pcapng');
  const w = await CaptureWriter.open(path);
  w.writeSession(sessionMeta(1));
  for (let id = 1; id <= RECORDS; id++) w.writeRecord(up2Record(id, 0x20, { direction: 'n', step: id }, { session: 1, dir: id % 2 ? 'c2s' : 's2c' }));
  await w.close();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Edits entry `i` of the index file (a DataView over its 32 bytes). */
async function editEntry(i: number, edit: (dv: DataView) => void): Promise<void> {
  const idx = await readFile(indexPath(path));
  edit(new DataView(idx.buffer, idx.byteOffset + INDEX_HEADER_SIZE + i * ENTRY_SIZE, ENTRY_SIZE));
  await writeFile(indexPath(path), idx);
}

async function ids(reader: CaptureReader): Promise<number[]> {
  const out: number[] = [];
  for await (const r of reader.records()) out.push(r.id);
  return out;
}

const all = Array.from({ length: RECORDS }, (_, i) => i + 1);

describe('opening an index', () => {
  it('is loaded as it is when it checks out', async () => {
    const reader = await CaptureReader.open(path);
    expect(reader.index.state).toBe('loaded');
    expect(reader.warnings).toEqual([]);
    await reader.close();
  });

  it('entries out of order: rebuilt', async () => {
    const idx = await readFile(indexPath(path));
    const a = INDEX_HEADER_SIZE + 10 * ENTRY_SIZE;
    const b = a + ENTRY_SIZE;
    const tmp = Buffer.from(idx.subarray(a, b));
    idx.copy(idx, a, b, b + ENTRY_SIZE);
    tmp.copy(idx, b);
    await writeFile(indexPath(path), idx);
    const reader = await CaptureReader.open(path, { persistIndex: false });
    expect(reader.index.state).toBe('rebuilt');
    expect(reader.warnings).toEqual([expect.objectContaining({ kind: 'index', message: expect.stringMatching(/entry 11 is not after the entry before it/) })]);
    expect(await ids(reader)).toEqual(all);
    await reader.close();
  });

  it('an entry naming a part the capture does not have: rebuilt', async () => {
    await editEntry(20, (dv) => dv.setUint16(22, 3, true));
    const reader = await CaptureReader.open(path, { persistIndex: false });
    expect(reader.index.state).toBe('rebuilt');
    expect(reader.warnings[0]!.message).toMatch(/names part 3/);
    expect(await ids(reader)).toEqual(all);
    await reader.close();
  });

  it('an entry off a block boundary (pcapng blocks are multiples of 4 bytes): rebuilt', async () => {
    await editEntry(20, (dv) => dv.setUint32(16, dv.getUint32(16, true) + 2, true));
    const reader = await CaptureReader.open(path, { persistIndex: false });
    expect(reader.index.state).toBe('rebuilt');
    expect(reader.warnings).toEqual([expect.objectContaining({ kind: 'index', message: expect.stringMatching(/entry 20 does not point at a block boundary/) })]);
    expect(await ids(reader)).toEqual(all);
    await reader.close();
  });

  it('unknown flag bits: rebuilt', async () => {
    await editEntry(7, (dv) => dv.setUint8(31, 0x80));
    const reader = await CaptureReader.open(path, { persistIndex: false });
    expect(reader.index.state).toBe('rebuilt');
    expect(reader.warnings[0]!.message).toMatch(/entry 7 has unknown flag bits/);
    await reader.close();
  });

  it('an entry in the middle that does not describe its block (one of those checked): rebuilt', async () => {
    // With 51 entries the 16 spot checks look at entries 2, 5, 8, … 47 (spread evenly): entry 8 is one.
    await editEntry(8, (dv) => dv.setFloat64(0, 4711, true));
    const reader = await CaptureReader.open(path, { persistIndex: false });
    expect(reader.index.state).toBe('rebuilt');
    expect(reader.warnings[0]!.message).toMatch(/entry 8 does not match its block/);
    expect(await ids(reader)).toEqual(all);
    await reader.close();
  });

  it('far more entries than the capture has room for: refused before it is read into memory', async () => {
    const fh = await open(indexPath(path), 'r+');
    await fh.truncate(8 * 2 ** 30); // 8 GiB, sparse: the header is intact, the rest zeros
    await fh.close();
    const t0 = performance.now();
    const reader = await CaptureReader.open(path, { persistIndex: false });
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(reader.index.state).toBe('rebuilt');
    expect(reader.warnings[0]!.message).toMatch(/more entries than the capture has blocks/);
    expect(await ids(reader)).toEqual(all);
    await reader.close();
  });

  it('rebuildIndex: scanned again whatever is there, without a warning, and saved', async () => {
    await editEntry(0, (dv) => dv.setFloat64(8, 1, true)); // a wrong time: the checks do not look at times
    let reader = await CaptureReader.open(path, { persistIndex: false });
    expect(reader.index.state).toBe('loaded');
    expect(reader.entries.time(0)).toBe(1);
    await reader.close();
    const before = (await stat(indexPath(path))).mtimeMs;
    reader = await CaptureReader.open(path, { rebuildIndex: true });
    expect(reader.index).toMatchObject({ state: 'rebuilt', saved: true, entries: RECORDS + 1 });
    expect(reader.warnings).toEqual([]);
    expect(reader.entries.time(0)).not.toBe(1);
    await reader.close();
    expect((await stat(indexPath(path))).mtimeMs).toBeGreaterThanOrEqual(before);
    reader = await CaptureReader.open(path);
    expect(reader.index.state).toBe('loaded');
    expect(reader.entries.time(0)).not.toBe(1);
    await reader.close();
  });
});

describe('reading through an entry that points at the wrong bytes', () => {
  // Entry 4 (the 4th record; entry 0 is the session block) is not among those checked on open: the index is kept and the reader meets it.
  it('a wrong offset: that record is skipped with a warning naming the offset, the rest are read', async () => {
    let offset = 0;
    await editEntry(4, (dv) => {
      offset = dv.getUint32(16, true) + 8;
      dv.setUint32(16, offset, true);
    });
    const reader = await CaptureReader.open(path, { persistIndex: false });
    expect(reader.index.state).toBe('loaded');
    expect(await ids(reader)).toEqual(all.filter((id) => id !== 4));
    expect(reader.warnings).toEqual([expect.objectContaining({ kind: 'skipped-block', offset, message: expect.stringMatching(new RegExp(`offset ${offset}`)) })]);
    // Batches of summaries see the same.
    let n = 0;
    for await (const b of reader.summaryBatches()) n += b.length;
    expect(n).toBe(RECORDS - 1);
    await reader.close();
  });

  it('a record entry marked as a session block: read as one, refused as one, with a warning', async () => {
    await editEntry(4, (dv) => dv.setUint8(30, 2));
    const reader = await CaptureReader.open(path, { persistIndex: false });
    expect(reader.index.state).toBe('loaded');
    const sessions = await reader.sessions();
    expect(sessions.map((s) => s.session)).toEqual([1]);
    expect(reader.warnings).toEqual([expect.objectContaining({ kind: 'skipped-block', message: expect.stringMatching(/not the session block the index names/) })]);
    await reader.close();
  });

  it('the last entry pointing past the end of its part: dropped as a stale tail, the record found again by scanning', async () => {
    const size = (await stat(path)).size;
    await editEntry(RECORDS, (dv) => dv.setUint32(16, size + 64, true));
    const reader = await CaptureReader.open(path, { persistIndex: false });
    expect(reader.index.state).toBe('caught-up'); // the last entry was dropped and found again by scanning
    expect(await ids(reader)).toEqual(all);
    await reader.close();
  });
});
