import { expect, test } from '@playwright/test';
import { openView, screenshot, TRAFFIC_TIMEOUT } from './helpers';

test('State: a diff between two chosen versions, not neighbours', async ({ page }) => {
  await openView(page, 'state');
  const versions = page.getByTestId('state-versions-row');
  // Wait for at least three versions so the two picked are not neighbours.
  await expect(versions.nth(2)).toBeVisible({ timeout: TRAFFIC_TIMEOUT });
  // Home selects the oldest and stops following, so the rows stay put while new versions arrive.
  await page.getByTestId('state-versions').focus();
  await page.keyboard.press('Home');
  const older = Number(await versions.nth(0).getAttribute('data-key'));
  const newest = Number(await versions.nth(2).getAttribute('data-key'));
  const row = (v: number) => page.locator(`[data-testid=state-versions-row][data-key="${v}"]`);
  await row(older).getByTestId('state-pick-from').click();
  await row(newest).getByTestId('state-pick-to').click();
  await expect(page.getByTestId('state-diff-pane')).toContainText(`v${older} → v${newest}`);
  await expect(page.getByTestId('state-diff').or(page.getByTestId('state-diff-empty'))).toBeVisible();

  await row(newest).click();
  await expect(page.getByTestId('state-tree-pane')).toContainText(`at v${newest}`);
  await expect(page.getByTestId('state-tree')).toBeVisible();
  await screenshot(page, 'state');
});
