/**
 * The indexer's fast loop (indexEpbRun) reads the window as 32-bit words
 * when it can: it must index exactly what the byte-by-byte loop indexes,
 * and stop exactly where it stops, on good packets and on damaged ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureWriter } from './writer';
import { PartFile } from './part-file';
import { indexEpbRun } from './decode-packet';
import { IndexTable } from './index-table';
import { everyTypeRecords, sessionMeta } from '../../test-support/capture/sample-records';

let dir: string;
let bytes: Uint8Array;
let first: number;
let part: PartFile;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otb-run-'));
  const path = join(dir, 'c.pcapng');
  const w = await CaptureWriter.open(path);
  w.writeSession(sessionMeta(1));
  for (const r of everyTypeRecords()) w.writeRecord(r);
  await w.close();
  bytes = new Uint8Array(await readFile(path));
  part = await PartFile.open(path, 0);
  // The first EPB: after the section header, the interface and the session block.
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  first = 0;
  while (dv.getUint32(first, true) !== 6) first += dv.getUint32(first + 4, true);
});
afterAll(async () => {
  await part.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the loop over `b` (a window of the file from offset 0) and gives where it stopped and what it indexed. */
function run(b: Uint8Array, at: number): { stop: number; entries: unknown[] } {
  const t = new IndexTable(16);
  const stop = indexEpbRun(b, at, 0, b.length, part.context(), t);
  return { stop, entries: Array.from({ length: t.length }, (_, i) => t.entry(i)) };
}

/** The same bytes at an address that is not a multiple of 4: the byte-by-byte loop. */
function unaligned(b: Uint8Array): Uint8Array {
  const big = new Uint8Array(b.length + 1);
  big.set(b, 1);
  return big.subarray(1);
}

describe('indexEpbRun', () => {
  it('indexes every packet of a good capture, word by word as byte by byte', () => {
    const words = run(bytes, first);
    expect(words.stop).toBe(bytes.length);
    expect(words.entries.length).toBeGreaterThan(20);
    expect(run(unaligned(bytes), first)).toEqual(words);
  });

  it('property: damaged bytes make both loops stop at the same block with the same entries', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), fc.nat(), (edits, cut) => {
        const b = bytes.slice(0, bytes.length - (cut % 64) * 4);
        for (const [pos, v] of edits) b[first + (pos % (b.length - first))] = v;
        expect(run(unaligned(b), first)).toEqual(run(b, first));
      }),
      { numRuns: 300 },
    );
  });
});
