/**
 * Finds a Chromium for the browser tests: Playwright's own when installed,
 * else the system's. Playwright cannot download browsers on machines
 * without internet, so this never tries to.
 */
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

const SYSTEM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function findChromium(): string {
  const fromEnv = process.env.OTBRIDGE_CHROMIUM;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`OTBRIDGE_CHROMIUM=${fromEnv} does not exist`);
  }
  try {
    const own = chromium.executablePath();
    if (own && existsSync(own)) return own;
  } catch {
    // Playwright has no browser of its own here
  }
  for (const p of SYSTEM) if (existsSync(p)) return p;
  throw new Error(
    'No Chromium found for the browser tests. Install one with:\n' +
      '  sudo apt-get install -y chromium        (Debian/Ubuntu)\n' +
      'or, with internet access:\n' +
      '  npx playwright install chromium',
  );
}
