import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// Explicit entries: electron-vite's defaults expect src/main, src/preload and
// src/renderer; this project keeps one folder per layer instead.
const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          // Electron's main process.
          index: resolve(root, 'src-main/shell/electron/main.ts'),
          // The CLI (`otbridge …`) and the web shell run the same services under plain Node.
          cli: resolve(root, 'src-main/cli/main.ts'),
          // The data migrator's reader thread (src-main/migrate/data/read-thread.ts finds it next to these).
          'migrate-reader': resolve(root, 'src-main/migrate/data/read-thread-main.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(root, 'src-main/shell/electron/preload.ts') },
        // A sandboxed preload must be a single CommonJS script.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      // electron-vite leaves bundles unminified; the web shell serves this one to browsers, where parse time counts.
      minify: true,
      rollupOptions: { input: { index: resolve(root, 'src-renderer/index.html') } },
    },
  },
});
