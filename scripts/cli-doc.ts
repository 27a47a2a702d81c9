/**
 * `npm run docs:cli`: writes docs/cli.md from the commands' own usage texts,
 * so the page never drifts from `otbridge help <command>` (a test checks it).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderCliDoc } from '../src-main/cli/doc';

writeFileSync(join(import.meta.dirname, '..', 'docs', 'cli.md'), renderCliDoc());
console.log('docs/cli.md written');
