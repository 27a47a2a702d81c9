/**
 * The admin views against the real services: a TFS-shaped SQLite database
 * generated here is migrated to an empty Canary one through the wizard; a TFS
 * config.lua is migrated with a backup; and the audit log shows both and
 * verifies. One file, in order: the audit test reads what the others wrote.
 */
import { expect, test, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { e2eDir, openView, screenshot } from './helpers';
import { createSchemaSqlite, loadTfsSqlite, makeTfsFixture, type TfsFixture } from '../test-support/migrate-fixtures';
import { TFS_CONFIG } from '../test-support/migrate-config-fixtures';

test.describe.configure({ mode: 'serial' });

let dir: string;
let fx: TfsFixture;
let source: string;
let target: string;
let config: string;

test.beforeAll(() => {
  dir = join(e2eDir(), 'admin');
  mkdirSync(dir, { recursive: true });
  fx = makeTfsFixture({ players: 300 });
  source = join(dir, 'tfs.db');
  const s = new Database(source);
  loadTfsSqlite(s, fx);
  s.close();
  target = join(dir, 'canary.db');
  const t = new Database(target);
  createSchemaSqlite(t, 'canary');
  t.close();
  config = join(dir, 'config.lua');
  writeFileSync(config, TFS_CONFIG);
});

const count = (path: string, table: string): number => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
  } finally {
    db.close();
  }
};

async function testEndpoint(page: Page, role: 'source' | 'target', location: string): Promise<void> {
  await page.getByTestId(`migrate-${role}-location`).fill(location);
  await page.getByTestId(`migrate-${role}-test`).click();
}

test('Migrations: a generated TFS-shaped SQLite database runs to completion with its progress bar and verification', async ({ page }) => {
  test.setTimeout(150_000);
  // Rows the fixture holds that Canary's schema cannot take (the name clash is not seeded in this target).
  const rejects = fx.bad.filter((b) => b.kind !== 'refused');
  const rejectedPlayers = rejects.filter((b) => b.table === 'players').length;

  await openView(page, 'migrations');
  await expect(page.getByTestId('migrate-profile-info')).toContainText('tfs-canary');
  await page.getByTestId('wizard-next').click();

  await testEndpoint(page, 'source', source);
  await expect(page.getByTestId('migrate-source-result')).toHaveAttribute('data-ok', 'true');
  await expect(page.getByTestId('migrate-source-result')).toContainText('db_version 29');
  await page.getByTestId('wizard-next').click();

  // A target that is not there is refused with the reason, and the wizard does not go on.
  await testEndpoint(page, 'target', join(dir, 'missing.db'));
  await expect(page.getByTestId('migrate-target-result')).toHaveAttribute('data-ok', 'false');
  await expect(page.getByTestId('migrate-target-result')).toContainText('NOT_FOUND');
  await expect(page.getByTestId('wizard-next')).toBeDisabled();
  await testEndpoint(page, 'target', target);
  await expect(page.getByTestId('migrate-target-result')).toHaveAttribute('data-ok', 'true');
  await page.getByTestId('wizard-next').click();

  // Small batches: many commits and checkpoints, each reported as progress.
  await page.getByTestId('migrate-type-full').check();
  await page.getByTestId('migrate-batch').fill('100');
  await page.getByTestId('migrate-plan').click();
  const plan = page.getByTestId('migrate-plan-report');
  await expect(plan).toHaveAttribute('data-errors', '0');
  const planned = Number((await page.getByTestId('migrate-plan-total').textContent())!.replace(/\D/g, ''));
  expect(planned).toBeGreaterThan(fx.tables.players!.length);
  await expect(plan).toContainText('znote_accounts'); // a source table the profile does not know: said, not silently dropped
  await page.getByTestId('wizard-next').click();

  // The dry run writes nothing, and shows what the real run would reject.
  await page.getByTestId('migrate-dry-run').click();
  const dry = page.locator('[data-testid=migrate-run][data-dry=true]');
  await expect(dry).toHaveAttribute('data-state', 'completed', { timeout: 60_000 });
  await expect(dry.getByTestId('migrate-rejects-total')).toHaveText(String(rejects.length));
  expect(count(target, 'players')).toBe(0);
  const firstReject = dry.getByTestId('migrate-reject-row').first();
  await firstReject.click();
  await expect(dry.locator('.json-tree').first()).toBeVisible();
  await page.getByTestId('wizard-next').click();

  // The real run. This database is small enough that a run can end before a click lands, so pausing is
  // tested below the page: the engine mid-run (src-main/migrate/data/runner.test.ts) and the services
  // (src-main/console/modules/migrations.test.ts).
  await page.getByTestId('migrate-real-run').click();
  const run = page.locator('[data-testid=migrate-run][data-dry=false]');
  await expect(run).toHaveAttribute('data-state', 'completed', { timeout: 120_000 });
  const progress = run.getByTestId('migrate-progress');
  await expect(progress).toHaveAttribute('aria-valuenow', '100');
  // Every planned row read (numbers as the browser's locale writes them).
  const [done, total] = (await run.getByTestId('migrate-rows').textContent())!.split('/').map((x) => Number(x.replace(/\D/g, '')));
  expect([done, total]).toEqual([planned, planned]);
  await expect(run.getByTestId('migrate-rate')).toHaveText(/\d.* rows\/s$/);
  await expect(run.getByTestId('migrate-summary')).toContainText(`rejected ${rejects.length}`);

  const verification = run.getByTestId('migrate-verification');
  await expect(verification).toHaveAttribute('data-ok', 'true');
  await expect(verification.getByTestId('migrate-verification-row').first()).toHaveAttribute('data-ok', 'true');
  expect(count(target, 'players')).toBe(fx.tables.players!.length - rejectedPlayers);
  await verification.scrollIntoViewIfNeeded();
  await screenshot(page, 'migrations');
});

test('Config: a TFS config.lua is migrated to Canary side by side, and applied with a backup', async ({ page }) => {
  await openView(page, 'config');
  await page.getByTestId('config-profile').selectOption('tfs-canary');
  await page.getByTestId('config-path').fill(config);
  await page.getByTestId('config-open').click();
  const preview = page.getByTestId('config-preview');
  await expect(preview).toHaveAttribute('data-changed', 'true');
  await expect(page.getByTestId('config-summary')).toContainText(/\d+ changes/);
  // TFS's seconds become Canary's milliseconds, side by side with the line they came from.
  const changed = page.locator('[data-testid=config-diff-row][data-change=changed]').filter({ hasText: 'whiteSkullTime' });
  await expect(changed).toContainText('whiteSkullTime = 900');
  await expect(changed).toContainText('whiteSkullTime = 900000');
  // Keys Canary reads that TFS never had are added, with nothing beside them on the left.
  await expect(page.locator('[data-testid=config-diff-row][data-change=added]').filter({ hasText: 'globalServerSaveTime' })).toHaveCount(1);
  // Each problem names its line; clicking it marks that line in the diff.
  const problem = page.getByTestId('config-problem').first();
  await expect(problem).toHaveAttribute('data-line', /^[1-9]\d*$/);
  await problem.click();
  await expect(problem).toHaveClass(/marked/);
  await screenshot(page, 'config');

  expect(existsSync(`${config}.bak`)).toBe(false);
  await page.getByTestId('config-apply').click();
  await expect(page.getByTestId('config-applied')).toContainText('Audit entry #');
  await expect(page.getByTestId('config-backup')).toHaveText(`${config}.bak`);
  expect(readFileSync(`${config}.bak`, 'utf8')).toBe(TFS_CONFIG);
  // The file written is the one previewed: renamed and rescaled keys, the keys Canary adds, the old names gone.
  const written = readFileSync(config, 'utf8');
  expect(written).toMatch(/^whiteSkullTime = 900000$/m);
  expect(written).toMatch(/^serverMotd = "Witaj na serwerze — żółć!"$/m);
  expect(written).toMatch(/^freeDepotLimit = 2000$/m);
  // An added key carries its reason as a trailing comment.
  expect(written).toMatch(/^globalServerSaveTime = "06:00:00" -- .+$/m);
  expect(written).toMatch(/^authType = "password" -- .+$/m);
  expect(written).not.toMatch(/^(motd|depotFreeLimit|killsToRedSkull) =/m);
  expect(written).toContain("-- My server's config, hand-tuned since 2019"); // comments kept
  // Opened again, the file has nothing left to migrate.
  await expect(preview).toHaveAttribute('data-changed', 'false');
  await expect(page.getByTestId('config-apply')).toBeDisabled();
});

test('Audit log: the migration and the config write are listed, and the chain verifies', async ({ page }) => {
  await openView(page, 'audit');
  const rows = page.getByTestId('audit-table-row');
  await expect(rows.first()).toBeVisible();
  const kinds = await page.locator('[data-testid=audit-table-row] code').allTextContents();
  expect(kinds).toContain('migrate.config.write');
  // Dry run and real run: a start and an end each.
  expect(kinds.filter((k) => k === 'migrate.data.start').length).toBeGreaterThanOrEqual(2);
  expect(kinds.filter((k) => k === 'migrate.data.end').length).toBeGreaterThanOrEqual(2);

  // Newest first: the config write is at the top; its detail says what was written and where the backup is.
  await rows.filter({ hasText: 'migrate.config.write' }).first().click();
  await expect(page.getByTestId('audit-detail')).toContainText(`${config}.bak`);

  await page.getByTestId('audit-kind').selectOption('migrate.data.end');
  await expect(page.locator('[data-testid=audit-table-row] code')).toHaveText(Array(kinds.filter((k) => k === 'migrate.data.end').length).fill('migrate.data.end'));
  await page.getByTestId('audit-kind').selectOption('');

  await page.getByTestId('audit-verify').click();
  const v = page.getByTestId('audit-verification');
  await expect(v).toHaveAttribute('data-ok', 'true');
  await expect(page.getByTestId('audit-verdict')).toContainText('Intact');
  const head = (await page.getByTestId('audit-head').textContent())!;
  expect(head).toMatch(/^[0-9a-f]{64}$/);
  // The head noted now matches; another head says the log is not the one noted.
  await page.getByTestId('audit-expect-head').fill(head);
  await page.getByTestId('audit-verify').click();
  await expect(v).toHaveAttribute('data-head-matches', 'true');
  await screenshot(page, 'audit');
  await page.getByTestId('audit-expect-head').fill('0'.repeat(64));
  await page.getByTestId('audit-verify').click();
  await expect(v).toHaveAttribute('data-head-matches', 'false');
});
