import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import fc from 'fast-check';
import { AuditLog, canonicalJson, entryHash } from './index';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'otbridge-audit-'));
  path = join(dir, 'sub', 'audit.ndjson');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const lines = (): string[] => readFileSync(path, 'utf8').split('\n').filter(Boolean);
const rewriteLine = (i: number, edit: (o: Record<string, unknown>) => void): void => {
  const ls = lines();
  const o = JSON.parse(ls[i]!) as Record<string, unknown>;
  edit(o);
  ls[i] = JSON.stringify(o);
  writeFileSync(path, `${ls.join('\n')}\n`);
};

async function seed(n: number): Promise<AuditLog> {
  const log = AuditLog.open(path);
  for (let i = 0; i < n; i++) await log.append({ kind: 'migrate.data', actor: 'tester', params: { i, big: 10n ** 20n }, outcome: { ok: i % 2 === 0 } });
  return log;
}

describe('AuditLog', () => {
  it('chains entries: seq, prev and hash link each one to the one before', async () => {
    const log = await seed(3);
    const entries = await log.read();
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(entries[0]!.prev).toBe('');
    expect(entries[1]!.prev).toBe(entries[0]!.hash);
    expect(entries[2]!.prev).toBe(entries[1]!.hash);
    const { hash, ...rest } = entries[2]!;
    expect(entryHash(rest)).toBe(hash);
    expect(entries[0]!.params).toEqual({ i: 0, big: { $int: '100000000000000000000' } });
    expect(await log.verify()).toEqual({ ok: true, entries: 3, head: entries[2]!.hash });
  });

  it('an empty or new log verifies with no entries', async () => {
    const log = AuditLog.open(path);
    expect(await log.verify()).toEqual({ ok: true, entries: 0, head: '' });
  });

  it('names the edited entry', async () => {
    const log = await seed(4);
    rewriteLine(2, (o) => ((o.outcome as Record<string, unknown>).ok = 'forged'));
    const r = await log.verify();
    expect(r.ok).toBe(false);
    expect(r.entries).toBe(2);
    expect(r.firstBroken).toMatchObject({ line: 3, seq: 3, reason: expect.stringMatching(/edited/) });
  });

  it('names a removed entry, and a re-hashed forgery still breaks the link to the next one', async () => {
    const log = await seed(4);
    const ls = lines();
    writeFileSync(path, `${[ls[0], ls[2], ls[3]].join('\n')}\n`);
    expect((await log.verify()).firstBroken).toMatchObject({ line: 2, seq: 3, reason: expect.stringMatching(/removed or reordered/) });

    writeFileSync(path, `${ls.join('\n')}\n`);
    rewriteLine(1, (o) => {
      o.outcome = { ok: 'forged' };
      const { hash: _h, ...rest } = o;
      o.hash = entryHash(rest as never);
    });
    expect((await log.verify()).firstBroken).toMatchObject({ line: 3, seq: 3, reason: expect.stringMatching(/prev does not match/) });
  });

  it('reports garbage and empty lines by line number', async () => {
    const log = await seed(2);
    appendFileSync(path, '\n');
    expect((await log.verify()).firstBroken).toMatchObject({ line: 3, reason: 'empty line' });
    writeFileSync(path, `${lines()[0]}\n{"seq":2}\n`);
    expect((await log.verify()).firstBroken).toMatchObject({ line: 2, reason: expect.stringMatching(/missing/) });
    writeFileSync(path, '[1,2]\n');
    expect((await log.verify()).firstBroken).toMatchObject({ line: 1, reason: 'not a JSON object' });
  });

  it('after a torn write, appends go on from the last intact entry and verify names the torn line', async () => {
    const log = await seed(2);
    appendFileSync(path, '{"seq":3,"at":"2026-01-01T00:00:00Z","kind":"mig');
    const e = await log.append({ kind: 'after', params: {}, outcome: 'ok' });
    expect(e.seq).toBe(3);
    expect(lines()).toHaveLength(4);
    expect((await log.verify()).firstBroken).toMatchObject({ line: 3, reason: expect.stringMatching(/torn/) });
    expect((await log.read()).map((x) => x.kind)).toEqual(['migrate.data', 'migrate.data', 'after']);
  });

  it('filters by kind prefix and keeps the last N', async () => {
    const log = await seed(3);
    await log.append({ kind: 'config.write', params: { file: 'config.lua' }, outcome: 'ok' });
    expect((await log.read({ kind: 'config' })).map((e) => e.seq)).toEqual([4]);
    expect((await log.read({ kind: 'migrate', limit: 2 })).map((e) => e.seq)).toEqual([2, 3]);
  });

  it('refuses an entry without a kind', async () => {
    await expect(AuditLog.open(path).append({ kind: '', params: {}, outcome: null })).rejects.toThrow(/kind/);
  });

  it('serialises concurrent appends from several processes into one chain', async () => {
    AuditLog.open(path);
    const script = `
      import { AuditLog } from ${JSON.stringify(join(import.meta.dirname, 'log.ts'))};
      const log = AuditLog.open(process.argv[1]);
      for (let i = 0; i < 15; i++) await log.append({ kind: 'proc', params: { pid: process.pid, i }, outcome: null });
    `;
    const run = () =>
      new Promise<number>((resolve, reject) => {
        const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, path], { stdio: 'inherit' });
        const timer = setTimeout(() => p.kill('SIGKILL'), 20_000);
        p.on('error', reject);
        p.on('exit', (code) => {
          clearTimeout(timer);
          resolve(code ?? -1);
        });
      });
    expect(await Promise.all([run(), run(), run()])).toEqual([0, 0, 0]);
    const r = await AuditLog.open(path).verify();
    expect(r).toMatchObject({ ok: true, entries: 45 });
  });

  it('hashes the same entry the same way whatever the key order (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null))), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(obj));
      }),
    );
  });
});
