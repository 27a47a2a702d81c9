import { expect, test } from '@playwright/test';
import { openView, screenshot, TRAFFIC_TIMEOUT } from './helpers';

test('Faults: one added live shows what it did, and shows up in the traffic records', async ({ page }) => {
  await openView(page, 'faults');
  const label = `e2e latency ${Date.now()}`;
  const form = page.getByTestId('fault-add-form');
  await form.getByTestId('fault-kind').selectOption('latency');
  await form.getByTestId('fault-latencyMs').fill('5');
  await form.getByTestId('fault-label').fill(label);
  await form.getByTestId('fault-submit').click();

  const row = page.getByTestId('fault-row').filter({ hasText: label });
  await expect(row).toBeVisible();
  await expect.poll(async () => Number((await row.getByTestId('fault-applied').textContent())!.replace(/\D/g, '')), { timeout: TRAFFIC_TIMEOUT }).toBeGreaterThan(0);
  await screenshot(page, 'faults');

  await page.getByTestId('nav-traffic').click();
  const input = page.getByTestId('filter-input');
  await input.fill('fault');
  await input.press('Enter');
  await expect(page.locator('[data-testid=traffic-table-row] .badge.fault').first()).toBeVisible({ timeout: TRAFFIC_TIMEOUT });

  // A bad spec is refused in the form, before it reaches main.
  await page.getByTestId('nav-faults').click();
  await form.getByTestId('fault-kind').selectOption('latency');
  await form.getByTestId('fault-latencyMs').fill('');
  await form.getByTestId('fault-submit').click();
  await expect(form.getByTestId('fault-problems')).toContainText('latencyMs');

  // Disabled, then removed.
  await row.getByTestId('fault-enabled').uncheck();
  await expect(row).toHaveClass(/disabled/);
  await row.getByTestId('fault-remove').click();
  await expect(row).toHaveCount(0);
});
