/**
 * The layer rules of docs/architecture.md are enforced by lint: these
 * probes prove that a wrong import fails, and a right one passes.
 */
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });

async function lint(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals').map((m) => m.message);
}

describe('layer rules', () => {
  it('src-renderer may not import src-main', async () => {
    const errs = await lint('src-renderer/probe.ts', "import { ConsoleServices } from '../src-main/console/services';\nexport const x = ConsoleServices;\n");
    expect(errs.join('\n')).toMatch(/src-main is Node-only/);
  });

  it('src-main may not import src-renderer', async () => {
    const errs = await lint('src-main/probe.ts', "import { App } from '../src-renderer/App';\nexport const x = App;\n");
    expect(errs.join('\n')).toMatch(/src-renderer is browser-only/);
  });

  it('src-shared may not import src-main or src-renderer', async () => {
    expect(await lint('src-shared/probe.ts', "import { x } from '../src-main/a';\nexport const y = x;\n")).toHaveLength(1);
    expect(await lint('src-shared/probe.ts', "import { x } from '../src-renderer/a';\nexport const y = x;\n")).toHaveLength(1);
  });

  it.each(['node:fs', 'fs', 'path', 'crypto', 'node:crypto', 'fs/promises', 'events'])(
    'src-shared may not import the Node built-in %s',
    async (mod) => {
      const errs = await lint('src-shared/probe.ts', `import * as m from '${mod}';\nexport const y = m;\n`);
      expect(errs.join('\n')).toMatch(/no Node built-ins/);
    },
  );

  it('src-shared may not use Buffer or process', async () => {
    const errs = await lint('src-shared/probe.ts', 'export const y = [Buffer.alloc(1), process.env];\n');
    expect(errs).toHaveLength(2);
  });

  it('the renderer may not import Node built-ins', async () => {
    const errs = await lint('src-renderer/probe.ts', "import fs from 'node:fs';\nexport const y = fs;\n");
    expect(errs.join('\n')).toMatch(/no Node built-ins/);
  });

  it('allowed imports pass: shared → shared (even a file named like a built-in), main → shared, renderer → shared', async () => {
    expect(await lint('src-shared/probe.ts', "import { x } from './constants';\nexport const y = x;\n")).toEqual([]);
    expect(await lint('src-main/probe.ts', "import { x } from '../src-shared/protocol';\nimport fs from 'node:fs';\nexport const y = [x, fs];\n")).toEqual([]);
    expect(await lint('src-renderer/probe.ts', "import { x } from '../src-shared/ipc/contract';\nexport const y = x;\n")).toEqual([]);
  });
});
