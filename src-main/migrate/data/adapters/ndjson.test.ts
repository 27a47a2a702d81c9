import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NdjsonFolder } from './ndjson';
import { DataMigration } from '../runner';
import { parseProfile } from '../profile';
import { readRejects } from '../rejects';
import { verifyMigration } from '../verify';
import { makeWorkspace, migrate, openSqlite, profile, type Workspace } from '../../../../test-support/migrate-harness';

let ws: Workspace;
beforeAll(() => {
  ws = makeWorkspace();
});
afterAll(() => ws.remove());

const copyProfile = parseProfile({
  name: 'copy',
  source: { name: 'files' },
  target: { name: 'files' },
  tables: [{ source: 'things', target: 'things', key: ['id'], columns: { id: { type: 'int', min: 1 }, label: { type: 'text', maxLength: 10 }, data: { type: 'blob', nullable: true } } }],
});

describe('NDJSON folders', () => {
  it('TFS SQLite → Canary-shaped NDJSON files; verification reads them back exactly', async () => {
    const source = openSqlite(ws.sourcePath, true);
    const target = NdjsonFolder.open(join(ws.dir, 'export'), { create: true });
    const { summary } = await migrate(source, target, ws.dir, 'export', {}, ws.fx);
    expect(summary.status).toBe('completed');
    const first = JSON.parse(readFileSync(join(ws.dir, 'export', 'players.ndjson'), 'utf8').split('\n')[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({ id: 1, name: 'Łukasz Żółć', experience: expect.any(Number) });
    expect(first.conditions).toMatchObject({ $b64: expect.any(String) });
    const report = await verifyMigration({ profile, source, target, run: { type: 'full', select: [], options: {}, now: ws.fx.now }, rejectsPath: summary.rejectsFile });
    expect(report.tables.filter((t) => !t.ok)).toEqual([]);
    await source.close();
    await target.close();
  });

  it('rejects malformed, truncated, oversized and hostile lines with the line number, and goes on', async () => {
    const dir = join(ws.dir, 'in');
    mkdirSync(dir, { recursive: true });
    const lines = [
      JSON.stringify({ id: 1, label: 'ok', data: { $b64: 'AAEC' } }),
      '{"id": 2, "label": "trunc',
      '[1, 2, 3]',
      JSON.stringify({ id: 3, label: 'way too long here', data: null }),
      JSON.stringify({ id: 4, label: 'bad', data: { $b64: '!!' } }),
      JSON.stringify({ __proto__: { polluted: true }, id: 5, label: 'proto' }),
      '',
      JSON.stringify({ id: 6, label: 'x'.repeat(10) }),
    ];
    writeFileSync(join(dir, 'things.ndjson'), `${lines.join('\n')}\n`);
    appendFileSync(join(dir, 'things.ndjson'), `{"id": 7, "label": "${'y'.repeat(3 << 20)}"}\n{"id": 8, "label": "no newline"}`);
    const source = NdjsonFolder.open(dir, { maxLineBytes: 1 << 20 });
    const target = NdjsonFolder.open(join(ws.dir, 'out'), { create: true });
    const m = new DataMigration({ profile: copyProfile, source, target, sourceLabel: 'in', targetLabel: 'out', checkpointPath: join(ws.dir, 'nd.json'), rejectsPath: join(ws.dir, 'nd.ndjson') });
    const summary = await m.run();
    expect(summary).toMatchObject({ status: 'completed', read: 9, written: 4, rejected: 5 });
    const reasons = readRejects(join(ws.dir, 'nd.ndjson')).map((r) => `${r.kind}: ${r.reasons.join('; ')}`);
    expect(reasons).toEqual([
      expect.stringMatching(/^unreadable: line 2: not valid JSON/),
      'unreadable: line 3: not a JSON object',
      'invalid: label: 17 characters, longer than 10',
      expect.stringMatching(/^unreadable: line 5, column data: unsupported JSON value/),
      'unreadable: line 9 is longer than 1048576 bytes',
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const out = readFileSync(join(ws.dir, 'out', 'things.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: number });
    expect(out.map((r) => r.id)).toEqual([1, 5, 6, 8]);
    await source.close();
    await target.close();
  });

  it('a resumed run into NDJSON cuts the files back to the checkpoint: nothing is written twice', async () => {
    const source = openSqlite(ws.sourcePath, true);
    const target = NdjsonFolder.open(join(ws.dir, 'resume'), { create: true });
    const opts = { profile, source, target, sourceLabel: 's', targetLabel: 'r', checkpointPath: join(ws.dir, 'r.json'), rejectsPath: join(ws.dir, 'r.ndjson'), now: ws.fx.now, batchSize: 30 };
    const m = new DataMigration(opts);
    m.on('progress', (e) => {
      if (e.table === 'player_items' && e.tableRowsDone >= 60) m.cancel();
    });
    expect((await m.run()).status).toBe('cancelled');
    // Rows written after the last checkpoint, as a crash between write and checkpoint would leave.
    appendFileSync(join(ws.dir, 'resume', 'player_items.ndjson'), '{"player_id": 1, "pid": 99, "sid": 99, "itemtype": 1, "count": 1, "attributes": {"$b64": ""}}\n');
    const s2 = await new DataMigration({ ...opts, resume: true }).run();
    expect(s2.status).toBe('completed');
    const report = await verifyMigration({ profile, source, target, run: { type: 'full', select: [], options: {}, now: ws.fx.now }, rejectsPath: opts.rejectsPath });
    expect(report.tables.filter((t) => !t.ok)).toEqual([]);
    await source.close();
    await target.close();
  });
});
