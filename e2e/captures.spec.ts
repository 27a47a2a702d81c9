/**
 * Captures as sources: the live traffic saved to a file, that file opened
 * again (by path, and dropped on the window: sent from the browser), its
 * sessions listed beside the live ones, and its traffic read in Traffic.
 */
import { expect, test } from '@playwright/test';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { e2eDir, openView, screenshot, TRAFFIC_TIMEOUT } from './helpers';

test('Captures: the live traffic saved, then opened, shows its sessions and its traffic', async ({ page }) => {
  test.setTimeout(90_000);
  const saved = join(e2eDir(), 'saved-live.pcapng');
  const exported = join(e2eDir(), 'saved-live.ndjson');
  await openView(page, 'sessions');
  // The demo's bots are connected: there is live traffic to save.
  await expect(page.getByTestId('sessions-table-row').first()).toBeVisible({ timeout: TRAFFIC_TIMEOUT });

  await page.getByTestId('capture-save-path').fill(saved);
  await page.getByTestId('capture-save').click();
  await expect(page.getByTestId('capture-save-result')).toContainText(`to ${saved}`);
  expect(statSync(saved).size).toBeGreaterThan(0);
  // The extension picks the format.
  await page.getByTestId('capture-save-path').fill(exported);
  await expect(page.getByTestId('capture-save-format')).toHaveValue('ndjson');
  await page.getByTestId('capture-save').click();
  await expect(page.getByTestId('capture-save-result')).toContainText(`to ${exported}`);

  // A path that is not a capture says why, and opens nothing.
  await page.getByTestId('capture-path').fill(join(e2eDir(), 'no-such.pcapng'));
  await page.getByTestId('capture-open').click();
  await expect(page.getByTestId('capture-open-error')).toBeVisible();
  await expect(page.getByTestId('capture-row')).toHaveCount(0);

  await page.getByTestId('capture-path').fill(saved);
  await page.getByTestId('capture-open').click();
  const row = page.getByTestId('capture-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('saved-live.pcapng');
  // Its sessions join the list, marked as captured, beside the live ones.
  const captured = page.locator('[data-testid=sessions-table-row]').filter({ has: page.getByTestId('session-captured') });
  await expect(captured.first()).toBeVisible();
  await screenshot(page, 'captures');

  // Picking a captured session: Traffic reads the capture, narrowed to that session.
  const id = Number(await captured.first().getAttribute('data-key').then((k) => k!.split('/')[1]));
  await captured.first().click();
  await expect(page.getByTestId('session-detail')).toContainText(`Session ${id} · saved-live.pcapng`);
  await page.getByTestId('nav-traffic').click();
  await expect(page.getByTestId('source-picker')).toHaveValue(/^capture:\d+$/);
  await expect(page.getByTestId('traffic-pause')).toHaveCount(0); // a capture has no stream to pause
  await expect(page.getByTestId('filter-describe')).toContainText(`in session ${id}`);
  const rows = page.getByTestId('traffic-table-row');
  await expect(rows.first()).toBeVisible({ timeout: TRAFFIC_TIMEOUT });
  const sessions = await page.locator('[data-testid=traffic-table-row] [role=gridcell]:nth-child(3)').allTextContents();
  expect(new Set(sessions)).toEqual(new Set([String(id)]));
  // A row's detail comes from the capture too.
  await rows.first().click();
  await expect(page.getByTestId('detail-header')).toBeVisible();
  await screenshot(page, 'captures-traffic');
  // State reads the same capture: that session's versions as the proxy rebuilt them when it was recorded.
  await page.getByTestId('nav-state').click();
  await expect(page.getByTestId('source-picker')).toHaveValue(/^capture:\d+$/);
  await expect(page.getByTestId('state-versions-row').first()).toBeVisible({ timeout: TRAFFIC_TIMEOUT });
  await page.getByTestId('state-versions-row').first().click();
  await expect(page.getByTestId('state-tree')).toBeVisible();

  // A file chosen in the browser that is not a capture: sent, refused with the reason, nothing opened.
  await page.getByTestId('nav-sessions').click();
  await page.getByTestId('capture-file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a capture\n') });
  await expect(page.getByTestId('notices')).toContainText('could not open notes.txt');
  await expect(page.getByTestId('capture-row')).toHaveCount(1);

  // The NDJSON export dropped on the window, as from a file manager: the overlay shows while it is dragged,
  // the browser sends the file in chunks, and it opens as a second capture shown in Traffic.
  const dropped = await page.evaluateHandle(
    ({ name, base64 }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name));
      return dt;
    },
    { name: 'saved-live.ndjson', base64: readFileSync(exported).toString('base64') },
  );
  await page.dispatchEvent('main', 'dragenter', { dataTransfer: dropped });
  await expect(page.getByTestId('drop-zone')).toContainText('Drop a capture');
  await page.dispatchEvent('main', 'dragover', { dataTransfer: dropped });
  await page.dispatchEvent('main', 'drop', { dataTransfer: dropped });
  // Once sent and opened, the console switches to Traffic on its own (so the Sessions view, with the list of
  // captures, may be gone before a poll sees two rows there): wait for Traffic, then look at the list.
  await expect(page.getByTestId('notices')).toContainText('opened saved-live.ndjson', { timeout: TRAFFIC_TIMEOUT });
  await expect(page.getByTestId('view-traffic')).toBeVisible({ timeout: TRAFFIC_TIMEOUT });
  await expect(page.getByTestId('source-picker')).toHaveValue(/^capture:\d+$/);
  await expect(page.getByTestId('traffic-table-row').first()).toBeVisible({ timeout: TRAFFIC_TIMEOUT });
  await expect(page.getByTestId('drop-zone')).toHaveCount(0);
  await page.getByTestId('nav-sessions').click();
  await expect(page.getByTestId('capture-row')).toHaveCount(2);

  // Closing the capture shown gives Traffic back to the live proxy.
  await page.getByTestId('capture-close').first().click();
  await expect(page.getByTestId('capture-row')).toHaveCount(1);
  await page.getByTestId('capture-close').first().click();
  await expect(page.getByTestId('capture-row')).toHaveCount(0);
  await expect(page.locator('[data-testid=sessions-table-row]').filter({ has: page.getByTestId('session-captured') })).toHaveCount(0);
  await page.getByTestId('nav-traffic').click();
  await expect(page.getByTestId('traffic-pause')).toBeVisible();
  expect(existsSync(saved)).toBe(true); // closing forgets the capture, never the file
});
