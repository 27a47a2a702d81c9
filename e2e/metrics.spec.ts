import { expect, test } from '@playwright/test';
import { openView, screenshot, TRAFFIC_TIMEOUT } from './helpers';

test('Metrics: gauges judged against the targets, and the time series drawn', async ({ page }) => {
  await openView(page, 'metrics');
  for (const g of ['gauge-latency', 'gauge-throughput', 'gauge-sync', 'gauge-errors']) {
    await expect(page.getByTestId(g)).toBeVisible({ timeout: TRAFFIC_TIMEOUT });
  }
  await expect(page.getByTestId('gauge-throughput')).toHaveAttribute('data-level', /green|amber|red/);
  await expect(page.getByTestId('gauge-latency')).toHaveAttribute('data-level', /green|amber|red/, { timeout: TRAFFIC_TIMEOUT });
  // A few ticks make a line.
  await expect(page.locator('[data-testid=chart-rate] .recharts-line-curve')).toBeVisible({ timeout: TRAFFIC_TIMEOUT });
  await expect(page.locator('[data-testid=chart-latency] .recharts-line-curve')).toHaveCount(3);
  await screenshot(page, 'metrics');
});
