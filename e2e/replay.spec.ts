/**
 * Replay to a green verdict: a session recorded through the demo's proxy
 * (e2e/record-session.ts) is replayed alone against the demo server and
 * matches — every answer, the state timeline and the pushes it caused.
 *
 * What is left out, and why: the demo's five bots (bot-1 … bot-5) keep
 * playing, and their broadcasts reached the recorded session at other
 * moments than they reach the replay; a push ignore rule leaves exactly
 * those out (they are still counted, and listed as ignored). The session
 * itself never chats, so any chat it hears is another player's. The world's
 * clock and weather, and the parts of the state the other bots move, are
 * left out by path.
 */
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import type { ReplayReport } from '../src-shared/ipc/replay';
import { openView, screenshot, TRAFFIC_TIMEOUT } from './helpers';
import { recordSession, RECORDED_ACCOUNT, RECORDED_PLAYER } from './record-session';

test('Replay: a recorded session replays against the demo server to a green verdict', async ({ page }) => {
  test.setTimeout(120_000);
  const capture = process.env.OTBRIDGE_CAPTURE;
  const proxy = process.env.OTBRIDGE_PROXY;
  if (!capture || !proxy) throw new Error('OTBRIDGE_CAPTURE / OTBRIDGE_PROXY are not set: the browser tests run through playwright.config.ts');
  await recordSession(proxy);

  await openView(page, 'replay');
  await page.getByTestId('replay-path').fill(capture);
  // The proxy writes its capture as traffic comes: open it again until the recorded session is in it.
  const row = page.locator('[data-testid=replay-session-row]').filter({ hasText: RECORDED_ACCOUNT });
  await expect(async () => {
    await page.getByTestId('replay-open').click();
    await expect(row.getByTestId('replay-session-check')).toBeEnabled({ timeout: 2000 });
  }).toPass({ timeout: TRAFFIC_TIMEOUT });
  await expect(page.getByTestId('replay-capture-summary')).toContainText('pcapng');

  // That session alone, as its captured account (the demo's bot accounts share the password "bot"), as fast as possible.
  await page.getByRole('checkbox', { name: 'all sessions' }).uncheck();
  await row.getByTestId('replay-session-check').check();
  await page.getByTestId('replay-password').fill('bot');
  await page.getByTestId('replay-speed').selectOption('max');
  await page.getByTestId('replay-ignore').fill(['/data/time', '/data/weather', 'state:/world', 'state:/player/position', 'state:/ui'].join('\n'));
  // bot-? is bot-1 … bot-9: the live bots, never the recorded bot-42.
  await page.getByTestId('replay-ignore-pushes').fill(['EVENT_BROADCAST * from bot-?', 'EVENT_BROADCAST chat.say'].join('\n'));
  await page.getByTestId('replay-start').click();

  await expect(page.getByTestId('replay-progress')).toBeVisible();
  const verdict = page.getByTestId('replay-verdict');
  await expect(verdict).toBeVisible({ timeout: 90_000 });
  await expect(verdict).toHaveAttribute('data-verdict', 'matched');
  const session = page.getByTestId('replay-session-result');
  await expect(session).toHaveCount(1);
  await expect(session).toHaveAttribute('data-verdict', 'matched');
  await expect(session).toContainText(RECORDED_ACCOUNT);
  await expect(session).toContainText(/\d+ matched, 0 differed, 0 missing, 0 unexpected · state matched/);
  // Opened, it lists no push that failed to match, and names each kind a rule left out.
  await session.getByRole('button').first().click();
  await expect(session.getByTestId('replay-pushes')).toHaveCount(0);
  for (const li of await session.getByTestId('replay-ignored-push').allTextContents()) expect(li).toMatch(/^EVENT_BROADCAST \S+ from (bot-\d|server): .*rule/);
  await screenshot(page, 'replay');

  // The JSON report: the session's own broadcast was compared and matched — the rules left out only the others'.
  const json = capture.replace(/\.pcapng$/, '.replay.json');
  await page.getByTestId('replay-export-format').selectOption('json');
  await page.getByTestId('replay-export-path').fill(json);
  await page.getByTestId('replay-export').click();
  await expect(page.getByTestId('replay-export-result')).toContainText(json);
  const report = JSON.parse(readFileSync(json, 'utf8')) as ReplayReport;
  const own = report.sessions[0]!.pushes.find((p) => p.key === `EVENT_BROADCAST party.wave from ${RECORDED_PLAYER}`);
  expect(own).toMatchObject({ captured: 1, replayed: 1, matched: 1 });
  expect(own!.ignored).toBeUndefined();
  expect(report.options.ignorePushes).toEqual(['EVENT_BROADCAST * from bot-?', 'EVENT_BROADCAST chat.say']);

  const junit = capture.replace(/\.pcapng$/, '.junit.xml');
  await page.getByTestId('replay-export-format').selectOption('junit');
  await page.getByTestId('replay-export-path').fill(junit);
  await page.getByTestId('replay-export').click();
  await expect(page.getByTestId('replay-export-result')).toContainText(junit);
  expect(readFileSync(junit, 'utf8')).not.toMatch(/(failures|errors)="[1-9]/);
});
