/** Shared steps of the browser specs: open a view through the real web shell, save its screenshot. */
import { expect, type Page } from '@playwright/test';

export const consoleUrl = (): string => {
  const u = process.env.OTBRIDGE_URL;
  if (!u) throw new Error('OTBRIDGE_URL is not set: the browser tests run through playwright.config.ts');
  return u;
};

/** The run's scratch folder (removed after the run), shared with the console's services. */
export const e2eDir = (): string => {
  const d = process.env.OTBRIDGE_E2E_DIR;
  if (!d) throw new Error('OTBRIDGE_E2E_DIR is not set: the browser tests run through playwright.config.ts');
  return d;
};

/** The demo's proxy (host and port), for specs that bring a client of their own. */
export const demoProxy = (): { host: string; port: number } => {
  const p = process.env.OTBRIDGE_PROXY;
  if (!p) throw new Error('OTBRIDGE_PROXY is not set: the browser tests run through playwright.config.ts');
  const at = p.lastIndexOf(':');
  return { host: p.slice(0, at), port: Number(p.slice(at + 1)) };
};

/** Demo traffic needs a few seconds after the shell starts; a provoked conflict needs a server tip to cross a write. */
export const TRAFFIC_TIMEOUT = 20_000;
export const CONFLICT_TIMEOUT = 50_000;

export async function openView(page: Page, view: string): Promise<void> {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${consoleUrl()}#${view}`);
  await expect(page.getByTestId('connection')).toHaveText('open');
  await expect(page.getByTestId(`view-${view}`)).toBeVisible();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/e2e/screens/${name}.png` });
}

/** The message ids of the Traffic rows drawn now. */
export async function visibleRowIds(page: Page): Promise<number[]> {
  return page.getByTestId('traffic-table-row').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-key'))));
}
