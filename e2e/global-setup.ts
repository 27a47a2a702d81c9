/**
 * Starts the built web shell once for all browser tests and hands its URL
 * (with the token) to them through OTBRIDGE_URL.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findChromium } from './chromium';

export default async function globalSetup(): Promise<() => Promise<void>> {
  findChromium(); // fail early, with the install command, when there is no browser
  const root = join(import.meta.dirname, '..');
  const cli = join(root, 'out', 'main', 'cli.js');
  if (!existsSync(cli)) throw new Error('out/main/cli.js is missing: run `npm run build` before the browser tests');
  // The demo records everything it carries: the Replay spec replays a session from it.
  const captureDir = mkdtempSync(join(tmpdir(), 'otbridge-e2e-'));
  const capture = join(captureDir, 'demo.pcapng');
  // The console's audit log and migration files go to the run's folder, never to the user's ~/.otbridge.
  const child = spawn(process.execPath, [cli, 'console', '--web', '127.0.0.1:0', '--json', '--capture', capture], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, OTBRIDGE_AUDIT_LOG: join(captureDir, 'audit.ndjson'), OTBRIDGE_MIGRATIONS_DIR: join(captureDir, 'migrations') },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const { url, proxy } = await new Promise<{ url: string; proxy: string }>((resolve, reject) => {
    let out = '';
    // The demo (server, proxy, bots with scrypt logins) takes a while on a busy 2-core machine.
    const timer = setTimeout(() => reject(new Error(`web shell did not start in 90 s\n${stderr}`)), 90_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of out.split('\n')) {
        try {
          const m = JSON.parse(line) as { event?: string; url?: string; proxy?: { listen?: string } };
          if (m.event === 'listening' && m.url && m.proxy?.listen) {
            clearTimeout(timer);
            resolve({ url: m.url, proxy: m.proxy.listen });
          }
        } catch {
          // not a JSON line yet
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web shell exited with ${code}\n${stderr}`));
    });
  });
  process.env.OTBRIDGE_URL = url;
  process.env.OTBRIDGE_CAPTURE = capture;
  // The demo's proxy: the Replay spec records a session of its own through it.
  process.env.OTBRIDGE_PROXY = proxy;
  // Files the specs make for the console to read (databases, configs, saved captures) go here too.
  process.env.OTBRIDGE_E2E_DIR = captureDir;
  process.env.OTBRIDGE_AUDIT_LOG = join(captureDir, 'audit.ndjson');
  return async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(captureDir, { recursive: true, force: true });
  };
}
