/** docs/replay.md stays true: its example runs and says what the page says; its tables name the real rules. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_IDENTITY_RULES } from './identity-rules';
import { DEFAULT_IGNORES } from './rules';

const ROOT = resolve(import.meta.dirname, '../..');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otb-replay-docs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('docs/examples/replay-api.ts records, replays against the same build (matched) and a slower one (diverged at version 2)', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'docs/examples/replay-api.ts'), dir], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const [same, slow] = r.stdout.split('== one step per minute');
  expect(same).toMatch(/overall: MATCHED — 1 matched of 1 session run/);
  expect(slow).toMatch(/state: first divergence at captured version 2 \(replayed version 1\), after #2 PLAYER_MOVE \{"direction":"e"\}/);
  expect(slow).toMatch(/\/player\/position\/x: captured \d+, replayed \d+/);
  expect(slow).toMatch(/overall: DIFFERED — 1 differed of 1 session run in [\d.]+ s \(exit code 1\)/);
  expect(existsSync(join(dir, 'one-step-per-minute.xml'))).toBe(true);
});

it('the identity table names every kind of the rule table, and the default ignores are the real ones', async () => {
  const doc = await readFile(join(ROOT, 'docs/replay.md'), 'utf8');
  const table = doc.slice(doc.indexOf('| kind | learnt from |'), doc.indexOf('*map*: captured value'));
  for (const k of DEFAULT_IDENTITY_RULES.kinds) expect(table, k.name).toContain(`\`${k.name}\``);
  const defaults = doc.slice(doc.indexOf('Ignored by default'), doc.indexOf('**Tolerances**'));
  for (const i of DEFAULT_IGNORES) expect(defaults, i).toContain(`\`${i}\``);
});
