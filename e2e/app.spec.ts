import { expect, test } from '@playwright/test';

const url = (): string => {
  const u = process.env.OTBRIDGE_URL;
  if (!u) throw new Error('OTBRIDGE_URL is not set: the browser tests run through playwright.config.ts');
  return u;
};

test('the console loads and shows its name and version from the services', async ({ page }) => {
  await page.goto(url());
  await expect(page.getByTestId('app-name')).toHaveText('otbridge');
  const version = (await import('../package.json', { with: { type: 'json' } })).default.version;
  await expect(page.getByTestId('app-version')).toHaveText(`v${version}`);
  await expect(page.getByTestId('connection')).toHaveText('open');
  await expect(page.getByTestId('shell')).toHaveText('web');
  await page.screenshot({ path: 'test-results/e2e/screens/home.png', fullPage: true });
});

test('the web shell refuses a WebSocket without the token', async ({ page }) => {
  const u = new URL(url());
  await page.goto(`${u.origin}/`); // no token in the URL
  await expect(page.getByTestId('connection')).not.toHaveText('open', { timeout: 3000 });
  const refused = await page.evaluate(
    (wsUrl) =>
      new Promise<boolean>((resolve) => {
        const ws = new WebSocket(wsUrl);
        ws.onopen = () => resolve(false);
        ws.onerror = () => resolve(true);
      }),
    `ws://${u.host}/ws?token=wrong`,
  );
  expect(refused).toBe(true);
});

test('the theme switches between dark and light and is remembered', async ({ page }) => {
  await page.goto(url());
  const html = page.locator('html');
  const first = await html.getAttribute('data-theme');
  expect(first === 'dark' || first === 'light').toBe(true);
  await page.getByTestId('theme-toggle').click();
  const second = first === 'dark' ? 'light' : 'dark';
  await expect(html).toHaveAttribute('data-theme', second);
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', second);
  await page.screenshot({ path: `test-results/e2e/screens/theme-${second}.png` });
});

test('Alt+number switches views and the URL hash follows', async ({ page }) => {
  await page.goto(url());
  await expect(page.getByTestId('connection')).toHaveText('open');
  await page.keyboard.press('Alt+1');
  await expect(page.getByTestId('view-sessions')).toBeVisible();
  expect(new URL(page.url()).hash).toBe('#sessions');
  await page.keyboard.press('Alt+6');
  await expect(page.getByTestId('view-faults')).toBeVisible();
  await page.keyboard.press('/');
  await expect(page.getByTestId('filter-input')).toBeFocused();
});
