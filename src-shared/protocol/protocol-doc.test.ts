/** docs/protocol.md stays true: its catalogue is the code's, its example runs and prints what it shows. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { renderCatalogue, withCatalogue } from './catalogue-doc';
import { ALL_MESSAGES, Messages, validateBody } from './catalogue';
// Type-only: brings the example into `npm run typecheck` (tsconfig.tooling) without running it here.
import type * as _example from '../../docs/examples/up2-codec';

const root = join(import.meta.dirname, '..', '..');
const doc = readFileSync(join(root, 'docs', 'protocol.md'), 'utf8');

function block(name: string): string {
  const m = new RegExp(`<!-- ${name}:start -->\\n\`\`\`\\w*\\n([\\s\\S]*?)\`\`\`\\n<!-- ${name}:end -->`).exec(doc);
  if (!m) throw new Error(`docs/protocol.md: no ${name} block`);
  return m[1]!;
}

describe('docs/protocol.md', () => {
  it('its catalogue section is the rendering of Messages (run `npm run docs:protocol` after changing the catalogue)', () => {
    expect(withCatalogue(doc)).toBe(doc);
  });

  it('the rendering has a section and an example body for every type', () => {
    const text = renderCatalogue();
    for (const d of ALL_MESSAGES) {
      expect(text).toContain(`### 0x${d.code.toString(16).padStart(2, '0')} ${d.name}`);
      for (const ex of [d.example.body, d.example.response]) if (ex !== undefined) expect(text).toContain(JSON.stringify(ex));
    }
  });

  it('the state batch example of the page is a valid GAME_STATE_UPDATE', () => {
    const m = /## State batches[\s\S]*?```json\n(.*)\n```/.exec(doc);
    expect(validateBody(Messages.GAME_STATE_UPDATE, false, JSON.parse(m![1]!))).toBeNull();
  });

  it('the codec example is docs/examples/up2-codec.ts, and it prints what the page says', () => {
    const file = join(root, 'docs', 'examples', 'up2-codec.ts');
    expect(block('example:up2-codec')).toBe(readFileSync(file, 'utf8'));
    const run = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(block('example:up2-codec:output'));
  });
});
