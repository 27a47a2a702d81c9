import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IndexWriter } from './index-writer';
import { EntryChunk } from './entry-chunk';
import { decodeIndexHeader, encodeIndexHeader, ENTRY_SIZE, INDEX_HEADER_SIZE, writeEntry, type IndexEntry } from './index-table';
import { indexPath } from './parts';

const CAPTURE_ID = '00112233445566778899aabbccddeeff';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function base(): string {
  const d = mkdtempSync(join(tmpdir(), 'otb-idxw-'));
  dirs.push(d);
  return join(d, 'c.pcapng');
}

const entry = (i: number): IndexEntry => ({ id: i + 1, time: 1.7e12 + i / 3, part: i >> 15, offset: 24 + i * 8, session: (i * 7) % 13, code: i & 0xff, bits: i & 1 });

function expectedBytes(entries: readonly IndexEntry[]): Buffer {
  const out = Buffer.alloc(entries.length * ENTRY_SIZE);
  const dv = new DataView(out.buffer, out.byteOffset, out.length);
  entries.forEach((e, i) => writeEntry(dv, i * ENTRY_SIZE, e));
  return out;
}

describe('IndexWriter', () => {
  it('writes entries pushed one by one, copied from chunks and adopted whole, in order, over several MiB; adopted chunks come back empty', async () => {
    const path = base();
    const w = new IndexWriter(path, CAPTURE_ID);
    const all: IndexEntry[] = [];
    let chunk = new EntryChunk(4096);
    for (let i = 0; i < 120_000; ) {
      const how = Math.floor(i / 1000) % 3;
      if (how === 0) {
        for (let k = 0; k < 700; k++, i++) {
          const e = entry(i);
          all.push(e);
          w.pushFields(e.id, e.time, e.part, e.offset, e.session, e.code, e.bits);
        }
        continue;
      }
      chunk.length = 0;
      for (let k = 0; k < 3000; k++, i++) {
        const e = entry(i);
        all.push(e);
        chunk.push(e.id, e.time, e.part, e.offset, e.session, e.code, e.bits);
      }
      if (how === 1) w.pushEntries(chunk);
      else {
        const back = w.adoptEntries(chunk);
        expect(back.length).toBe(0);
        expect(back.capacity).toBe(4096);
        expect(back).not.toBe(chunk); // its write cannot have finished yet: the writer keeps it until then
        chunk = back;
      }
    }
    await w.finish();
    const file = readFileSync(indexPath(path));
    expect(Buffer.from(decodeIndexHeader(Uint8Array.from(file.subarray(0, INDEX_HEADER_SIZE))) as Uint8Array).toString('hex')).toBe(CAPTURE_ID);
    expect(file.length).toBe(INDEX_HEADER_SIZE + all.length * ENTRY_SIZE);
    expect(file.subarray(INDEX_HEADER_SIZE).equals(expectedBytes(all))).toBe(true);
    expect(readdirSync(join(path, '..')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('catches up an index: keeps its first entries and appends what follows', async () => {
    const path = base();
    const old = [0, 1, 2, 3, 4].map(entry);
    writeFileSync(indexPath(path), Buffer.concat([encodeIndexHeader(Buffer.from(CAPTURE_ID, 'hex')), expectedBytes(old)]));
    const w = new IndexWriter(path, CAPTURE_ID, 3);
    const chunk = new EntryChunk(8);
    const added = [10, 11, 12].map(entry);
    for (const e of added) chunk.push(e.id, e.time, e.part, e.offset, e.session, e.code, e.bits);
    w.adoptEntries(chunk);
    await w.finish();
    expect(readFileSync(indexPath(path)).subarray(INDEX_HEADER_SIZE).equals(expectedBytes([...old.slice(0, 3), ...added]))).toBe(true);
  });

  it('abort() and a failed finish() leave no index and no temporary file behind', async () => {
    const path = base();
    const a = new IndexWriter(path, CAPTURE_ID);
    a.pushFields(1, 2, 0, 24, 1, 1, 0);
    await a.abort();
    expect(readdirSync(join(path, '..'))).toEqual([]);

    // A non-empty directory where the index goes: the rename fails, finish() says so and cleans up.
    const b = new IndexWriter(path, CAPTURE_ID);
    const c = new EntryChunk(4);
    c.push(1, 2, 0, 24, 1, 1, 0);
    b.adoptEntries(c);
    mkdirSync(indexPath(path));
    writeFileSync(join(indexPath(path), 'keep'), 'x');
    await expect(b.finish()).rejects.toThrow();
    expect(readdirSync(join(path, '..')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
