/**
 * The Replay view's session results, rendered to HTML in Node: push kinds a
 * rule left out are listed apart, never as pushes that failed to match; and
 * the rule text areas become one rule a line.
 */
import { describe, expect, it } from 'vitest';
import { renderToString } from 'react-dom/server';
import type { PushComparison, SessionReport } from '../../src-shared/ipc/replay';
import { SessionResult } from './ReplayResults';
import { ruleLines } from './ReplayCapture';

const push = (key: string, over: Partial<PushComparison> = {}): PushComparison => ({ key, captured: 1, replayed: 1, matched: 1, differed: 0, missing: 0, unexpected: 0, examples: [], ...over });

const session = (verdict: SessionReport['verdict'], pushes: PushComparison[]): SessionReport => ({
  session: 6,
  iteration: 1,
  account: 'bot42',
  verdict,
  startedAt: 1_700_000_000_000,
  durationMs: 1500,
  play: null,
  steps: 7,
  sent: 7,
  skipped: 0,
  counts: { matched: 8, differed: 0, missing: 0, unexpected: 0 },
  byType: [],
  messages: [],
  moreMessages: 0,
  state: { verdict: 'matched', capturedVersions: 4, replayedVersions: 4, matchedVersions: 4, coalesced: 0, divergence: null, finalMatch: true },
  pushes,
  identities: [],
  latency: [],
  warnings: [],
});

/** React's server renderer separates adjacent text with comments; they are not what users read. */
const text = (html: string): string => html.replace(/<!-- -->/g, '');

const render = (s: SessionReport): string => text(renderToString(<SessionResult s={s} />));

describe('Replay: a session result', () => {
  const ignored = push('EVENT_BROADCAST party.wave from bot-2', { captured: 3, replayed: 0, matched: 0, ignored: 'EVENT_BROADCAST * from bot-?' });

  it('a session that matched says how many push kinds a rule left out', () => {
    const html = render(session('matched', [push('EVENT_BROADCAST party.wave from bot-42'), ignored]));
    expect(html).toContain('1 push kind left out');
    // Collapsed: the details wait for a click.
    expect(html).not.toContain('data-testid="replay-ignored-push"');
  });

  it('lists ignored kinds with their rule, apart from the pushes that did not match', () => {
    const missing = push('EVENT_BROADCAST chat.say from server', { captured: 2, replayed: 0, matched: 0, missing: 2 });
    const html = render(session('missing', [push('EVENT_BROADCAST party.wave from bot-42'), ignored, missing]));
    const failed = html.slice(html.indexOf('data-testid="replay-pushes"'), html.indexOf('</table>', html.indexOf('data-testid="replay-pushes"')));
    expect(failed).toContain('EVENT_BROADCAST chat.say from server');
    expect(failed).not.toContain('bot-2');
    expect(failed).not.toContain('bot-42'); // matched kinds are not listed either
    expect(html).toMatch(/data-testid="replay-ignored-push">EVENT_BROADCAST party.wave from bot-2: 3 captured, 0 replayed <span[^>]*>— rule “EVENT_BROADCAST \* from bot-\?”/);
  });

  it('late broadcasts from other players are not a mismatch', () => {
    const late = push('EVENT_BROADCAST party.wave from bot-7', { captured: 2, replayed: 3, matched: 2, late: 1 });
    const html = render(session('matched', [late]));
    expect(html).not.toContain('data-testid="replay-pushes"');
  });

  it('shows no table of failed pushes when only ignored kinds differ', () => {
    const html = render(session('error', [ignored]));
    expect(html).not.toContain('data-testid="replay-pushes"');
    expect(html).toContain('data-testid="replay-ignored-pushes"');
  });
});

describe('ruleLines', () => {
  it('keeps one trimmed rule a line and drops blank lines', () => {
    expect(ruleLines('  EVENT_BROADCAST * from bot-2 \n\n\tEVENT_BROADCAST chat.*\n   \n')).toEqual(['EVENT_BROADCAST * from bot-2', 'EVENT_BROADCAST chat.*']);
    expect(ruleLines('')).toEqual([]);
  });
});
