import { expect, test } from '@playwright/test';
import { openView, screenshot, TRAFFIC_TIMEOUT } from './helpers';

test('State: a diff between two chosen versions, not neighbours', async ({ page }) => {
  await openView(page, 'state');
  const versions = page.getByTestId('state-versions-row');
  // Newest first; wait for at least three so the two picked are not neighbours.
  await expect(versions.nth(2)).toBeVisible({ timeout: TRAFFIC_TIMEOUT });
  const newest = Number(await versions.nth(0).getAttribute('data-key'));
  const older = Number(await versions.nth(2).getAttribute('data-key'));
  await versions.nth(2).getByTestId('state-pick-from').click();
  await versions.nth(0).getByTestId('state-pick-to').click();
  await expect(page.getByTestId('state-diff-pane')).toContainText(`v${older} → v${newest}`);
  await expect(page.getByTestId('state-diff').or(page.getByTestId('state-diff-empty'))).toBeVisible();

  await versions.nth(1).click();
  await expect(page.getByTestId('state-tree')).toBeVisible();
  await screenshot(page, 'state');
});
