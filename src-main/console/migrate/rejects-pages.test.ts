/** Pages of rejects files as the engine writes them, and as they look after edits, crashes and worse. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RejectsPages, checkQuery, classifyReject, cutLongValues } from './rejects-pages';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'otbridge-rejects-pages-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A reject exactly as the engine's RejectsFile writes it. */
const reject = (table: string, kind: string, id: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ table, kind, key: { id }, row: { id, name: `n${id}`, ...extra }, reasons: [`reason ${id}`] });

describe('rejects pages', () => {
  it('pages by table and kind, counts both, and numbers lines as the file does', async () => {
    const file = join(dir, 'plain.ndjson');
    const lines = [reject('accounts', 'invalid', 1), reject('players', 'invalid', 2), reject('house_lists', 'duplicate', 3), reject('players', 'refused', 4), reject('players', 'invalid', 5)];
    writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
    const pages = new RejectsPages();
    const all = await pages.page(file, checkQuery({ offset: 0, limit: 10 }), false);
    expect(all).toMatchObject({ file, total: 5, offset: 0, growing: false, byTable: { accounts: 1, players: 3, house_lists: 1 }, byKind: { invalid: 3, duplicate: 1, refused: 1 } });
    expect(all.rows.map((r) => [r.line, r.table, r.kind, r.key.id])).toEqual([
      [1, 'accounts', 'invalid', 1],
      [2, 'players', 'invalid', 2],
      [3, 'house_lists', 'duplicate', 3],
      [4, 'players', 'refused', 4],
      [5, 'players', 'invalid', 5],
    ]);
    const players = await pages.page(file, checkQuery({ offset: 1, limit: 1, table: 'players', kind: 'invalid' }), true);
    expect(players).toMatchObject({ total: 2, growing: true, rows: [{ line: 5, key: { id: 5 }, reasons: ['reason 5'] }] });
    // The file grows: the next page sees the new lines without reading the old ones again.
    appendFileSync(file, `${reject('players', 'invalid', 6)}\n{"table":"players","kind":"inv`);
    expect((await pages.page(file, checkQuery({ offset: 0, limit: 10, table: 'players' }), true)).total).toBe(4);
  });

  it('cuts long values in pages and gives them whole with full; a line too long to parse says so', async () => {
    const file = join(dir, 'long.ndjson');
    const blob = { $b64: 'A'.repeat(90_000) };
    const huge = { $b64: 'B'.repeat(1_200_000) };
    writeFileSync(file, `${reject('players', 'refused', 1, { conditions: blob })}\n${reject('player_items', 'refused', 2, { attributes: huge })}\n`);
    const pages = new RejectsPages();
    const page = await pages.page(file, checkQuery({ offset: 0, limit: 10 }), false);
    expect(page.rows[0]).toMatchObject({ line: 1, truncated: true, kind: 'refused' });
    expect((page.rows[0]!.row.conditions as { $b64: string }).$b64).toMatch(/^A{2048}… \(87952 more characters\)$/);
    expect(page.rows[1]).toMatchObject({ line: 2, table: 'player_items', kind: 'refused', truncated: true, reasons: [expect.stringMatching(/full: true/)] });
    const full = await pages.page(file, checkQuery({ offset: 0, limit: 2, full: true }), false);
    expect((full.rows[0]!.row.conditions as { $b64: string }).$b64).toHaveLength(90_000);
    expect((full.rows[1]!.row.attributes as { $b64: string }).$b64).toHaveLength(1_200_000);
    expect(full.rows.every((r) => !r.truncated)).toBe(true);
  });

  it('shows lines that are not rejects as damaged, with what is wrong, and never throws on garbage', async () => {
    const file = join(dir, 'damaged.ndjson');
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from(`${reject('accounts', 'invalid', 1)}\n{"table":"accounts","kind":"invalid","key":{"id":2},"ro\n[1,2]\n\n{"table":"x","kind":"evil"}\n`),
        Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x0a]),
        Buffer.from(`${JSON.stringify({ kind: 'refused', table: 'players', key: { id: 3 }, row: {}, reasons: ['other field order'] })}\n`),
      ]),
    );
    const page = await new RejectsPages().page(file, checkQuery({ offset: 0, limit: 100 }), false);
    expect(page.total).toBe(7);
    expect(page.rows.map((r) => [r.line, r.kind])).toEqual([
      [1, 'invalid'],
      [2, 'damaged'],
      [3, 'damaged'],
      [4, 'damaged'],
      [5, 'damaged'],
      [6, 'damaged'],
      [7, 'refused'],
    ]);
    expect(page.rows[1]!.reasons[0]).toMatch(/not valid JSON/);
    expect(page.rows[2]!.reasons[0]).toMatch(/not a JSON object/);
    expect(page.rows[4]!.reasons[0]).toMatch(/no table or kind/);
    expect(page.byTable).toEqual({ accounts: 2, players: 1 });
    // The prefix of line 2 names a table and kind: counted there, shown as what it is.
    expect((await new RejectsPages().page(file, checkQuery({ offset: 0, limit: 10, table: 'players' }), false)).rows[0]).toMatchObject({ line: 7, reasons: ['other field order'] });
  });

  it('classing never throws, whatever a line starts with', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.boolean(), (s, complete) => {
        expect(typeof classifyReject(s, complete)).toBe('string');
        expect(typeof classifyReject(`{"table":${s}`, complete)).toBe('string');
      }),
    );
  });

  it('cutLongValues cuts strings at any depth and leaves the rest', () => {
    expect(cutLongValues({ a: 'x'.repeat(10), b: [{ c: 'y'.repeat(3) }], n: 5, z: null }, 4)).toEqual({
      value: { a: 'xxxx… (6 more characters)', b: [{ c: 'yyy' }], n: 5, z: null },
      cut: true,
    });
    expect(cutLongValues({ a: 'ok' }, 4)).toEqual({ value: { a: 'ok' }, cut: false });
  });
});
