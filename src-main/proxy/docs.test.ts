/** docs/proxy.md stays true: its library example runs and prints what the page shows. */
import { expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

it('docs/examples/proxy-records.ts: records in id order, heartbeats paired, secrets redacted', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'docs/examples/proxy-records.ts')], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  const lines = r.stdout.trim().split('\n');
  expect(lines[0]).toMatch(/^session 1 from 127\.0\.0\.1:\d+$/);
  const ids = lines.flatMap((l) => (/^#(\d+) /.exec(l) ? [Number(/^#(\d+) /.exec(l)![1])] : []));
  expect(ids).toEqual(ids.map((_, i) => i + 1));
  for (const t of [1, 2, 3]) {
    const req = lines.find((l) => l.includes(`c2s HEARTBEAT`) && l.includes(`body={"t":${t}}`))!;
    const res = lines.find((l) => l.includes(`s2c HEARTBEAT`) && l.includes(`body={"t":${t}}`))!;
    expect(res).toContain(`answers #${/^#(\d+)/.exec(req)![1]} after`);
    expect(res).toMatch(/pdu=25 B/);
  }
  expect(r.stdout).toContain('"password":"«redacted»"');
  expect(r.stdout).not.toContain('"password":"demo"');
  const readBack = lines.find((l) => l.startsWith('read back #'))!;
  expect(readBack).toMatch(/^read back #\d+ AUTH_LOGIN body=\{.*"password":"«redacted»".*\} wire=\d+ B$/);
  expect(lines.at(-1)).toBe(`records kept: ${ids.length}`);
});
