import { expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderCliDoc } from './doc';

it('docs/cli.md matches the commands (run `npm run docs:cli` after changing a usage text)', () => {
  const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'cli.md'), 'utf8');
  expect(doc).toBe(renderCliDoc());
});
