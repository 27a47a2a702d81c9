import { expect, test } from '@playwright/test';
import { openView, screenshot, TRAFFIC_TIMEOUT } from './helpers';

test('Sessions: the demo bots are listed; picking one narrows Traffic to it', async ({ page }) => {
  await openView(page, 'sessions');
  const rows = page.getByTestId('sessions-table-row');
  await expect(rows.first()).toBeVisible({ timeout: TRAFFIC_TIMEOUT });
  // Rows are keyed by source and session ("live/3", "capture:1/3"): live sessions come first.
  const key = (await rows.first().getAttribute('data-key'))!;
  expect(key).toMatch(/^live\/\d+$/);
  const id = Number(key.split('/')[1]);
  await rows.first().click();
  await expect(page.getByTestId('session-detail')).toContainText(`Session ${id}`);
  await screenshot(page, 'sessions');

  await page.getByTestId('nav-traffic').click();
  await expect(page.getByTestId('filter-describe')).toContainText(`in session ${id}`);
  await expect(page.getByTestId('traffic-table-row').first()).toBeVisible({ timeout: TRAFFIC_TIMEOUT });
  const sessions = await page.locator('[data-testid=traffic-table-row] [role=gridcell]:nth-child(3)').allTextContents();
  expect(new Set(sessions)).toEqual(new Set([String(id)]));

  await page.getByTestId('nav-sessions').click();
  await page.getByTestId('sessions-all').click();
});
