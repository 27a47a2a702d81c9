#!/usr/bin/env node
// `npm start`: opens the console in Electron where its binary is installed;
// otherwise says so in one line and serves the same console as a web shell.
// Extra arguments go to the console (`npm start -- --no-demo --listen …`).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

/** The Electron binary's path if it is already on disk — never triggers its download. */
function electronBinary() {
  if (process.env.OTBRIDGE_NO_ELECTRON) return null;
  try {
    const pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
    const pathFile = join(pkgDir, 'path.txt');
    const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
    if (override) return join(override, rel ?? 'electron');
    if (!rel) return null;
    const bin = join(pkgDir, 'dist', rel);
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

function run(cmd, argv) {
  const child = spawn(cmd, argv, { stdio: 'inherit', cwd: root });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

const bin = electronBinary();
if (bin) {
  run(bin, [root, ...args]);
} else {
  console.log("Electron's binary is not installed here, so the console runs as a web shell instead (same UI, in your browser):");
  run(process.execPath, [join(root, 'out', 'main', 'cli.js'), 'console', ...args]);
}
