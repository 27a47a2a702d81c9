import { expect, test } from '@playwright/test';
import { openView, screenshot, TRAFFIC_TIMEOUT } from './helpers';

test('Replay: a recorded demo session replays against the demo server to a green verdict', async ({ page }) => {
  test.setTimeout(120_000);
  const capture = process.env.OTBRIDGE_CAPTURE;
  if (!capture) throw new Error('OTBRIDGE_CAPTURE is not set: the browser tests run through playwright.config.ts');
  await openView(page, 'replay');
  await page.getByTestId('replay-path').fill(capture);
  // The demo needs a few seconds of traffic in the capture before a session has something to replay.
  await expect(async () => {
    await page.getByTestId('replay-open').click();
    await expect(page.getByTestId('replay-session-check').first()).toBeEnabled({ timeout: 2000 });
  }).toPass({ timeout: TRAFFIC_TIMEOUT });
  await expect(page.getByTestId('replay-capture-summary')).toContainText('pcapng');

  // One session, as its captured account (the demo bots' password is "bot"), as fast as possible.
  await page.getByRole('checkbox', { name: 'all sessions' }).uncheck();
  await page.getByTestId('replay-session-check').first().check();
  await page.getByTestId('replay-password').fill('bot');
  await page.getByTestId('replay-speed').selectOption('max');
  await page.getByTestId('replay-start').click();

  await expect(page.getByTestId('replay-progress')).toBeVisible();
  const verdict = page.getByTestId('replay-verdict');
  await expect(verdict).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('replay-session-result').first()).toBeVisible();
  await screenshot(page, 'replay');
  await expect(verdict).toHaveAttribute('data-verdict', 'matched');

  const out = capture.replace(/\.pcapng$/, '.junit.xml');
  await page.getByTestId('replay-export-path').fill(out);
  await page.getByTestId('replay-export').click();
  await expect(page.getByTestId('replay-export-result')).toContainText(out);
});
