import { expect, test, type Page } from '@playwright/test';
import { openView, screenshot, TRAFFIC_TIMEOUT, visibleRowIds } from './helpers';

// One page for the whole file: loading the console is the slow part on a busy machine,
// and each test starts from a clean filter on a running stream.
test.describe.configure({ mode: 'serial' });
let page: Page;

test.describe('Traffic', () => {
  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage();
    await openView(page, 'traffic');
  });
  test.afterAll(async () => {
    await page.close();
  });
  test.beforeEach(async () => {
    const input = page.getByTestId('filter-input');
    await input.fill('');
    await input.press('Enter');
    if ((await page.getByTestId('traffic-pause').getAttribute('aria-pressed')) === 'true') await page.getByTestId('traffic-pause').click();
    await page.getByTestId('traffic-follow').check();
  });

  test('demo traffic appears and follows the stream', async () => {
    const rows = page.getByTestId('traffic-table-row');
    await expect(rows.first()).toBeVisible({ timeout: TRAFFIC_TIMEOUT });
    const before = Math.max(...(await visibleRowIds(page)));
    // Following: newer rows come into view by themselves.
    await expect.poll(async () => Math.max(...(await visibleRowIds(page))), { timeout: TRAFFIC_TIMEOUT }).toBeGreaterThan(before);
    await screenshot(page, 'traffic');
  });

  test('a filter narrows the rows, and a bad one is pointed at without losing the table', async () => {
    await expect(page.getByTestId('traffic-table-row').first()).toBeVisible({ timeout: TRAFFIC_TIMEOUT });
    const input = page.getByTestId('filter-input');

    await input.fill('dir:c2s flag:RESPONSE or size>1q');
    await expect(page.getByTestId('filter-error')).toContainText('unknown unit "q"');
    await expect(input).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByTestId('traffic-table-row').first()).toBeVisible();

    await input.fill('dir:s2c');
    await input.press('Enter');
    await expect(page.getByTestId('filter-describe')).toContainText('dir = s2c');
    await expect
      .poll(async () => page.locator('[data-testid=traffic-table-row] .dir').allTextContents(), { timeout: TRAFFIC_TIMEOUT })
      .toEqual(expect.arrayContaining([expect.stringContaining('s2c')]));
    const dirs = await page.locator('[data-testid=traffic-table-row] .dir').allTextContents();
    expect(dirs.length).toBeGreaterThan(0);
    expect(dirs.every((d) => d.includes('s2c'))).toBe(true);

    await page.getByTestId('filter-help-button').click();
    await expect(page.getByTestId('filter-help')).toContainText('latency');
    await screenshot(page, 'traffic-filter');
    await page.getByTestId('filter-help-button').click();
  });

  test('a row opens its detail, and the request and its response link both ways', async () => {
    const input = page.getByTestId('filter-input');
    // Responses that were paired with a request.
    await input.fill('latency');
    await input.press('Enter');
    await expect(page.getByTestId('traffic-table-row').first()).toBeVisible({ timeout: TRAFFIC_TIMEOUT });
    // Stop the stream so the rows stay where they are, then pick the last one (in view) from the keyboard.
    await page.getByTestId('traffic-pause').click();
    await page.getByTestId('traffic-table').focus();
    await page.keyboard.press('End');
    const selected = page.locator('[data-testid=traffic-table-row][aria-selected=true]');
    await expect(selected).toHaveCount(1);
    const responseId = Number(await selected.getAttribute('data-key'));
    const pane = page.getByTestId('detail-pane');
    await expect(pane).toHaveAttribute('data-id', String(responseId));
    await expect(page.getByTestId('detail-header')).toBeVisible();
    await expect(page.getByTestId('detail-body')).toBeVisible();

    const toRequest = page.getByTestId('detail-request-link');
    await expect(toRequest).toBeVisible();
    const requestId = Number(await toRequest.getAttribute('data-id'));
    await toRequest.click();
    await expect(pane).toHaveAttribute('data-id', String(requestId));
    const back = page.getByTestId('detail-response-link');
    await expect(back).toHaveAttribute('data-id', String(responseId));

    await page.getByTestId('detail-tab-hex').click();
    await expect(page.getByTestId('detail-hex')).toContainText('00000000');
    await screenshot(page, 'traffic-detail');
    await back.click();
    await expect(pane).toHaveAttribute('data-id', String(responseId));
  });

  test('the table is driven by the keyboard', async () => {
    await expect(page.getByTestId('traffic-table-row').first()).toBeVisible({ timeout: TRAFFIC_TIMEOUT });
    await page.getByTestId('traffic-pause').click();
    await expect(page.getByTestId('traffic-pause')).toHaveAttribute('aria-pressed', 'true');
    const table = page.getByTestId('traffic-table');
    await table.focus();
    await page.keyboard.press('Home');
    const first = page.locator('[data-testid=traffic-table-row][aria-selected=true]');
    await expect(first).toHaveCount(1);
    const a = Number(await first.getAttribute('data-key'));
    await page.keyboard.press('ArrowDown');
    await expect.poll(async () => Number(await first.getAttribute('data-key'))).toBeGreaterThan(a);
    await expect(page.getByTestId('detail-pane')).not.toHaveAttribute('data-id', String(a));
    await page.getByTestId('traffic-pause').click();
  });
});
