import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtemp, open, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileWindows } from './file-windows';

let dir: string;
let file: Uint8Array;
let path: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otb-windows-'));
  path = join(dir, 'data.bin');
  file = Uint8Array.from({ length: 600_000 }, (_, i) => (i * 2654435761) >>> 24);
  await writeFile(path, file);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The window must hold the file's bytes from `at`, at least `need` of them unless the file ends first. */
function checkWindow(w: FileWindows, at: number, need: number, got: number, fileEnd: number): void {
  expect(got).toBe(w.available(at));
  expect(got).toBeGreaterThanOrEqual(Math.min(need, Math.max(0, fileEnd - at)));
  const from = at - w.base;
  expect(from).toBeGreaterThanOrEqual(0);
  expect(Buffer.from(w.bytes.subarray(from, from + got)).equals(Buffer.from(file.subarray(at, at + got)))).toBe(true);
}

describe('FileWindows', () => {
  it('holds the right bytes through any mix of sequential steps, carries across window ends, big blocks and jumps', async () => {
    const fh = await open(path, 'r');
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 16, max: 70_000 }),
          fc.array(
            fc.oneof(
              fc.record({ kind: fc.constant('step' as const), by: fc.integer({ min: 0, max: 20_000 }), need: fc.integer({ min: 1, max: 30_000 }) }),
              fc.record({ kind: fc.constant('big' as const), by: fc.integer({ min: 0, max: 2_000 }), need: fc.integer({ min: 70_000, max: 300_000 }) }),
              fc.record({ kind: fc.constant('jump' as const), to: fc.integer({ min: 0, max: 620_000 }), need: fc.integer({ min: 1, max: 5_000 }) }),
            ),
            { minLength: 1, maxLength: 40 },
          ),
          fc.boolean(),
          async (windowBytes, steps, limited) => {
            const w = new FileWindows(fh, file.length, windowBytes);
            let at = 0;
            try {
              for (const s of steps) {
                at = s.kind === 'jump' ? s.to : at + s.by;
                // `until` tells how far the caller wants bytes; reads past it happen only when `need` asks.
                const until = limited ? at + s.need + 100 : file.length;
                const got = await w.ensure(at, s.need, until);
                checkWindow(w, at, s.need, got, file.length);
              }
            } finally {
              await w.close();
            }
            expect(w.bytes.length).toBe(0);
          },
        ),
        { numRuns: 150 },
      );
    } finally {
      await fh.close();
    }
  });

  it('a file that shrinks while it is read: no error, only bytes that were there, and its new end once reached', async () => {
    const p = join(dir, 'shrinks.bin');
    await writeFile(p, file);
    const fh = await open(p, 'r');
    const w = new FileWindows(fh, file.length, 65_536);
    try {
      checkWindow(w, 0, 100, await w.ensure(0, 100), file.length);
      // The next 64 KiB are being read ahead (maybe already read: they were there); cut the file after them.
      await truncate(p, 200_000);
      for (let at = 50_000; at < 400_000; at += 30_000) {
        const got = await w.ensure(at, 40_000);
        if (at >= 200_000) expect(got).toBe(0);
        else expect(at + got).toBeLessThanOrEqual(200_000);
        expect(Buffer.from(w.bytes.subarray(at - w.base, at - w.base + got)).equals(Buffer.from(file.subarray(at, at + got)))).toBe(true);
      }
      expect(w.end).toBe(200_000);
    } finally {
      await w.close();
      await fh.close();
    }
  });

  it('close() waits for a read still in flight, so the file can be closed right after', async () => {
    const fh = await open(path, 'r');
    const w = new FileWindows(fh, file.length, 4096);
    await w.ensure(0, 10); // starts reading the next window
    await w.close();
    await fh.close();
    expect(w.available(0)).toBe(0);
  });
});
