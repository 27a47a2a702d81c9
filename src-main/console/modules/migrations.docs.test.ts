/** docs/console.md stays true: its wizard example runs as written, against a generated TFS-shaped database. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeWorkspace, type Workspace } from '../../../test-support/migrate-harness';

const ROOT = resolve(import.meta.dirname, '../../..');
let ws: Workspace;
beforeAll(() => {
  ws = makeWorkspace();
});
afterAll(() => ws.remove());

it('the "A wizard run, from code" script tests, plans, dry-runs, runs, verifies and pages the rejects', () => {
  const doc = readFileSync(join(ROOT, 'docs/console.md'), 'utf8');
  const section = doc.slice(doc.indexOf('### A wizard run, from code'));
  const code = section.slice(section.indexOf('```ts\n') + 6, section.indexOf('\n```\n'));
  const target = ws.newTarget('docs', { clash: false });
  const script = join(ws.dir, 'wizard.mts');
  writeFileSync(
    script,
    code
      .replaceAll("from './", `from '${pathToFileURL(ROOT).href}/`)
      .replace('/srv/tfs/tfs.db', ws.sourcePath)
      .replace('/srv/canary/canary.db', target),
  );
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, OTBRIDGE_MIGRATIONS_DIR: join(ws.dir, 'work'), OTBRIDGE_AUDIT_LOG: join(ws.dir, 'audit.ndjson') },
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const bad = ws.fx.bad.filter((b) => b.kind !== 'refused');
  expect(r.stdout).toMatch(/ok: true,\s+kind: 'sqlite'/);
  expect(r.stdout).toMatch(/\d+ rows; not migrated: \[ 'znote_accounts' \]/);
  expect(r.stdout).toContain(`the dry run would reject ${bad.length} rows`);
  expect(r.stdout).toMatch(/^running \w+ \d+\/\d+ rows, \d+\/s$/m);
  expect(r.stdout).toMatch(/^completed \d+ written; verified: true$/m);
  for (const b of bad) expect(r.stdout).toContain(`${b.table} ${JSON.stringify(b.key)} `);
});
