#!/usr/bin/env node
// The `otbridge` command: runs the built CLI (out/main/cli.js).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'out', 'main', 'cli.js');
if (!existsSync(cli)) {
  console.error('otbridge is not built yet: run `npm run build` in the otbridge folder first.');
  process.exit(1);
}
await import(pathToFileURL(cli).href);
