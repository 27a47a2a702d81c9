/**
 * `npm run docs:protocol`: rewrites the catalogue section of docs/protocol.md
 * from src-shared/protocol/catalogue.ts (the test in catalogue-doc.test.ts
 * fails until this has been run after a catalogue change).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withCatalogue } from '../src-shared/protocol/catalogue-doc';

const file = join(import.meta.dirname, '..', 'docs', 'protocol.md');
const before = readFileSync(file, 'utf8');
const after = withCatalogue(before);
writeFileSync(file, after);
console.log(before === after ? 'docs/protocol.md: catalogue already up to date' : 'docs/protocol.md: catalogue rewritten');
