import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding otbridge's package.json, from built code (out/main) or from sources. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'otbridge') return dir;
      } catch {
        // keep walking up
      }
    }
    dir = dirname(dir);
  }
  return process.cwd();
}

/** The built renderer (electron-vite's out/renderer). */
export function rendererDir(): string {
  return join(projectRoot(), 'out', 'renderer');
}
