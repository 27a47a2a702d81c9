/** The line index under a writer that appends in arbitrary pieces, rewrites the file, or writes garbage. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NdjsonLineIndex } from './ndjson-index';

let dir: string;
let n = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'otbridge-ndjson-index-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const firstWord = (head: string): string => /^\w*/.exec(head)![0];
const all = (): boolean => true;

describe('NdjsonLineIndex', () => {
  it('indexes exactly the complete lines, however the writer cuts its writes, and reads any of them back', async () => {
    const line = fc.oneof(
      fc.string({ maxLength: 40 }).map((s) => s.replace(/\n/g, ' ')),
      fc.constantFrom('', 'é😀 ü', 'x'.repeat(5000), `${'y'.repeat(300_000)}z`),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 40 }), fc.array(fc.integer({ min: 1, max: 400_000 }), { minLength: 1, maxLength: 8 }), fc.boolean(), async (lines, cuts, torn) => {
        const path = join(dir, `p${++n}.ndjson`);
        const text = lines.map((l) => `${l}\n`).join('') + (torn ? 'partial' : '');
        const bytes = Buffer.from(text);
        writeFileSync(path, '');
        const idx = new NdjsonLineIndex(path, firstWord);
        let at = 0;
        for (const c of [...cuts, bytes.length]) {
          const end = Math.min(bytes.length, at + c);
          appendFileSync(path, bytes.subarray(at, end));
          at = end;
          await idx.refresh();
          const complete = bytes.subarray(0, at).toString('latin1').split('\n').length - 1;
          expect(idx.lines).toBe(complete);
        }
        expect(idx.lines).toBe(lines.length);
        const got = await idx.read([...lines.keys()], 1 << 20);
        expect(got.map((g) => g.text)).toEqual(lines);
        expect(got.map((g) => g.line)).toEqual(lines.map((_, i) => i + 1));
        const classes = idx.classCounts();
        expect([...classes.values()].reduce((s, x) => s + x, 0)).toBe(lines.length);
      }),
      { numRuns: 60 },
    );
  });

  it('cuts a line longer than asked, and pages by class in both orders', async () => {
    const path = join(dir, 'classes.ndjson');
    writeFileSync(path, ['a 1', 'b 2', 'a 3', `a ${'x'.repeat(100)}`, 'b 5'].map((l) => `${l}\n`).join(''));
    const idx = new NdjsonLineIndex(path, firstWord);
    await idx.refresh();
    expect(Object.fromEntries(idx.classCounts())).toEqual({ a: 3, b: 2 });
    expect(idx.select((c) => c === 'a', 1, 5)).toEqual({ total: 3, lines: [2, 3] });
    expect(idx.select((c) => c === 'a', 0, 2, 'desc')).toEqual({ total: 3, lines: [3, 2] });
    expect(idx.select(all, 10, 5)).toEqual({ total: 5, lines: [] });
    const [cut] = await idx.read([3], 10);
    expect(cut).toEqual({ line: 4, text: 'a xxxxxxxx', cut: true });
    expect(await idx.read([-1, 99], 10)).toEqual([]);
  });

  it('starts over when the file shrinks, is rewritten with other contents, or disappears', async () => {
    const path = join(dir, 'rewrite.ndjson');
    writeFileSync(path, 'one\ntwo\nthree\n');
    const idx = new NdjsonLineIndex(path, firstWord);
    await idx.refresh();
    expect(idx.lines).toBe(3);
    writeFileSync(path, 'uno\n');
    await idx.refresh();
    expect(idx.lines).toBe(1);
    expect((await idx.read([0], 100))[0]!.text).toBe('uno');
    // Same size or longer, other bytes: not mistaken for an append.
    writeFileSync(path, 'ONE\nTWO\nTHREE\nFOUR\n');
    await idx.refresh();
    expect(idx.lines).toBe(4);
    expect((await idx.read([0, 3], 100)).map((x) => x.text)).toEqual(['ONE', 'FOUR']);
    expect(Object.fromEntries(idx.classCounts())).toEqual({ ONE: 1, TWO: 1, THREE: 1, FOUR: 1 });
    rmSync(path);
    await idx.refresh();
    expect(idx.lines).toBe(0);
  });

  it('shares one pass between concurrent refreshes', async () => {
    const path = join(dir, 'concurrent.ndjson');
    writeFileSync(path, Array.from({ length: 5000 }, (_, i) => `w${i % 7} line ${i}\n`).join(''));
    const idx = new NdjsonLineIndex(path, firstWord);
    await Promise.all([idx.refresh(), idx.refresh(), idx.refresh()]);
    expect(idx.lines).toBe(5000);
    expect([...idx.classCounts().values()].reduce((s, x) => s + x, 0)).toBe(5000);
  });
});
