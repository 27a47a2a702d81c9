import { expect, test } from '@playwright/test';
import { BOT_PASSWORD } from '../src-main/peers/server';
import { provokeUiConflict } from '../test-support/conflict-maker';
import { CONFLICT_TIMEOUT, demoProxy, openView, screenshot } from './helpers';

test('Conflicts: one provoked by a bot appears with its outcome, narrows by prefix, and jumps to its messages', async ({ page }) => {
  test.setTimeout(CONFLICT_TIMEOUT + 30_000);
  await openView(page, 'conflicts');
  const rows = page.getByTestId('conflicts-table-row');
  // The demo bots collide with the server's ui tips only by chance; a bot of the spec's own keeps a ui write in flight
  // through the demo's proxy until the view shows a conflict (within a tip interval or two).
  const proxy = demoProxy();
  await provokeUiConflict(
    { host: proxy.host, port: proxy.port, identity: { trustOnFirstUse: true }, account: 'bot41', password: BOT_PASSWORD, maxMs: CONFLICT_TIMEOUT },
    async () => (await rows.count()) > 0,
  );
  await expect(rows.first()).toBeVisible({ timeout: 10_000 });
  await expect(rows.first().getByTestId('conflict-outcome')).not.toBeEmpty();
  await rows.first().click();
  const detail = page.getByTestId('conflict-detail');
  await expect(detail).toBeVisible();
  const path = (await detail.locator('code').first().textContent())!;

  await page.getByTestId('conflicts-prefix').fill(path);
  await expect(page.getByTestId('conflicts-count')).toContainText(`under ${path}`);
  const paths = await page.locator('[data-testid=conflicts-table-row] code').allTextContents();
  expect(paths.every((p) => p.startsWith(path))).toBe(true);
  await page.getByTestId('conflicts-prefix').fill('/no/such/path/prefix');
  await expect(page.getByText('No conflicts under /no/such/path/prefix')).toBeVisible();
  await page.getByTestId('conflicts-prefix').fill('');
  await rows.first().click();
  await screenshot(page, 'conflicts');

  await page.getByTestId('conflict-jump').click();
  await expect(page.getByTestId('view-traffic')).toBeVisible();
  await expect(page.getByTestId('filter-input')).toHaveValue(/^id:/);
  await expect(page.getByTestId('traffic-table-row').first()).toBeVisible();
});
