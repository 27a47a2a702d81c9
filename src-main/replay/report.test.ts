/** The report writers: JUnit XML that CI tools parse whatever a capture holds, and the human summary. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { toJUnit, xmlText } from './junit';
import { formatReport } from './report-text';
import { type ReplayReport, type SessionReport } from '../../src-shared/ipc/replay';

function session(over: Partial<SessionReport> = {}): SessionReport {
  return {
    session: 1,
    iteration: 1,
    account: 'demo',
    verdict: 'matched',
    startedAt: 1_700_000_000_000,
    durationMs: 1234,
    play: { startedAt: 1_700_000_000_100, ms: 1000 },
    steps: 3,
    sent: 3,
    skipped: 0,
    counts: { matched: 2, differed: 0, missing: 0, unexpected: 0 },
    byType: [{ type: 'EVENT_TRIGGER', matched: 2, differed: 0, missing: 0, unexpected: 0 }],
    messages: [],
    moreMessages: 0,
    state: { verdict: 'matched', capturedVersions: 3, replayedVersions: 3, matchedVersions: 3, coalesced: 0, divergence: null, finalMatch: true },
    pushes: [],
    identities: [],
    latency: [],
    warnings: [],
    ...over,
  };
}

function report(sessions: SessionReport[]): ReplayReport {
  return {
    format: 'otbridge-replay',
    version: 1,
    capture: 'run.pcapng',
    target: '127.0.0.1:7180',
    startedAt: 0,
    finishedAt: 2000,
    durationMs: 2000,
    options: { speed: 1, loop: 1, sessions: sessions.map((s) => s.session), ignore: [], epsilon: 0, tolerances: [], unordered: [] },
    verdict: sessions.some((s) => s.verdict !== 'matched') ? 'differed' : 'matched',
    exitCode: sessions.some((s) => s.verdict !== 'matched') ? 1 : 0,
    counts: { sessions: sessions.length, matched: sessions.filter((s) => s.verdict === 'matched').length, differed: sessions.filter((s) => s.verdict === 'differed').length, missing: 0, unexpected: 0, error: sessions.filter((s) => s.verdict === 'error').length },
    sessions,
    warnings: [],
  };
}

const diverged = session({
  verdict: 'differed',
  state: {
    verdict: 'differed',
    capturedVersions: 5,
    replayedVersions: 2,
    matchedVersions: 2,
    coalesced: 0,
    finalMatch: false,
    divergence: { capturedVersion: 2, replayedVersion: 1, path: '/player/position/x', kind: 'changed', captured: 130, replayed: 129, differences: [], moreDifferences: 0, after: { step: 2, recordId: 17, type: 'PLAYER_MOVE', body: { direction: 'e' } } },
  },
  byType: [{ type: 'EVENT_TRIGGER', matched: 1, differed: 1, missing: 0, unexpected: 0 }],
  counts: { matched: 1, differed: 1, missing: 0, unexpected: 0 },
  messages: [{ step: 3, recordId: 20, request: 'EVENT_TRIGGER', verdict: 'differed', capturedResponse: 'EVENT_RESPONSE', replayedResponse: 'EVENT_RESPONSE', differences: [{ path: '/data/time', kind: 'missing', captured: 1 }], moreDifferences: 0 }],
});

/** A well-formedness check good enough for our writer: balanced tags, no raw & or < in text, attribute values quoted. */
function wellFormed(xml: string): boolean {
  if (!xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')) return false;
  const stack: string[] = [];
  const body = xml.slice(xml.indexOf('\n') + 1);
  const re = /<(\/?)([A-Za-z]+)((?:\s+[a-z]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*)\s*(\/?)>|([^<]+)/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(body))) {
    if (m.index !== consumed) return false;
    consumed = re.lastIndex;
    if (m[5] !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos);)/.test(m[5])) return false;
      continue;
    }
    if (m[1]) {
      if (stack.pop() !== m[2]) return false;
    } else if (!m[4]) stack.push(m[2]!);
  }
  return consumed === body.length && stack.length === 0;
}

describe('JUnit XML', () => {
  it('a matched run: suites and cases, no failures', () => {
    const xml = toJUnit(report([session()]));
    expect(wellFormed(xml)).toBe(true);
    expect(xml).toContain('<testsuites name="otbridge replay run.pcapng" tests="2" failures="0" errors="0" time="2.000">');
    expect(xml).toContain('<testcase classname="replay.session1" name="state timeline" time="0"/>');
    expect(xml).not.toContain('<failure');
  });

  it('a divergence fails the state case with the version, the path and both values; a differing answer fails its type', () => {
    const xml = toJUnit(report([diverged]));
    expect(wellFormed(xml)).toBe(true);
    expect(xml).toContain('failures="2"');
    expect(xml).toContain('<failure message="state diverged at captured version 2: /player/position/x: captured 130, replayed 129" type="differed">');
    expect(xml).toContain('after step #2 PLAYER_MOVE {&quot;direction&quot;:&quot;e&quot;} (capture record 17)');
    expect(xml).toContain('<failure message="1 of 2 EVENT_TRIGGER answers did not match" type="differed">');
  });

  it('a session that could not run is an error case', () => {
    const xml = toJUnit(report([session({ verdict: 'error', error: 'cannot connect to 127.0.0.1:1: ECONNREFUSED', steps: 0, sent: 0 })]));
    expect(xml).toContain('errors="1"');
    expect(xml).toContain('<error message="cannot connect to 127.0.0.1:1: ECONNREFUSED" type="error">');
  });

  it('property: whatever the capture holds (accounts, paths, values with markup, control characters, lone surrogates), the XML stays well formed', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.jsonValue({ maxDepth: 2 }), (account, path, value) => {
        const s = session({
          ...diverged,
          account,
          error: account,
          state: { ...diverged.state, divergence: { ...diverged.state.divergence!, path, captured: value, replayed: account } },
        });
        expect(wellFormed(toJUnit(report([s])))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('a push kind an ignore rule left out is a skipped case with its counts; the compared kinds are the pushes case', () => {
    const s = session({
      pushes: [
        { key: 'EVENT_BROADCAST party.wave from bot-1', captured: 2, replayed: 2, matched: 2, differed: 0, missing: 0, unexpected: 0, examples: [] },
        { key: 'EVENT_BROADCAST party.wave from bot-2', captured: 3, replayed: 0, matched: 0, differed: 0, missing: 0, unexpected: 0, examples: [], ignored: 'EVENT_BROADCAST * from bot-2' },
      ],
    });
    const xml = toJUnit(report([s]));
    expect(wellFormed(xml)).toBe(true);
    expect(xml).toContain('<testsuites name="otbridge replay run.pcapng" tests="4" failures="0" errors="0" skipped="1" time="2.000">');
    expect(xml).toContain('<testcase classname="replay.session1" name="pushes" time="0"/>');
    expect(xml).toContain(
      '<testcase classname="replay.session1" name="pushes EVENT_BROADCAST party.wave from bot-2" time="0">\n      <skipped message="ignored (rule &quot;EVENT_BROADCAST * from bot-2&quot;): 3 captured, 0 replayed"/>',
    );
    // Nothing compared: no pushes case, only the skipped one.
    const only = toJUnit(report([session({ pushes: [s.pushes[1]!] })]));
    expect(only).not.toContain('name="pushes"');
    expect(only).toContain('skipped="1"');
  });

  it('xmlText escapes the five entities and replaces characters XML forbids', () => {
    expect(xmlText(`<a href="x">&'\u0000\u0007\ud800ok\u{1f600}`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;\ufffd\ufffd\ufffdok\u{1f600}');
  });
});

describe('human summary', () => {
  it('names the divergence, the step before it, and the overall verdict with the exit code', () => {
    const text = formatReport(report([session({ session: 2 }), diverged]));
    expect(text).toContain('session 2 (demo)  MATCHED');
    expect(text).toContain('session 1 (demo)  DIFFERED');
    expect(text).toContain('state: first divergence at captured version 2 (replayed version 1), after #2 PLAYER_MOVE {"direction":"e"} (capture record 17)');
    expect(text).toContain('/player/position/x: captured 130, replayed 129');
    expect(text).toContain('#3 EVENT_TRIGGER → EVENT_RESPONSE differed (capture record 20)');
    expect(text).toContain('/data/time: captured 1, absent in the replay');
    expect(text).toMatch(/overall: DIFFERED — 1 matched, 1 differed of 2 session runs in 2\.0 s \(exit code 1\)\n$/);
  });

  it('lists ignored push kinds with their counts and the rule, also in a matched session', () => {
    const text = formatReport(
      report([
        session({
          pushes: [
            { key: 'EVENT_BROADCAST party.wave from bot-1', captured: 2, replayed: 2, matched: 2, differed: 0, missing: 0, unexpected: 0, examples: [] },
            { key: 'EVENT_BROADCAST party.wave from bot-2', captured: 3, replayed: 0, matched: 0, differed: 0, missing: 0, unexpected: 0, examples: [], ignored: 'EVENT_BROADCAST * from bot-2' },
          ],
        }),
      ]),
    );
    expect(text).toContain('session 1 (demo)  MATCHED  3/3 messages sent, 2 answers: 2 matched, state 3/3 versions, 5 pushes (1 kind ignored)');
    expect(text).toContain('    pushes EVENT_BROADCAST party.wave from bot-2: 3 captured, 0 replayed, ignored (rule "EVENT_BROADCAST * from bot-2")');
    expect(text).not.toContain('pushes EVENT_BROADCAST party.wave from bot-1');
  });

  it('control characters from a capture never reach the terminal', () => {
    const text = formatReport(report([session({ account: 'evil\u001b[2J\rname', verdict: 'error', error: 'bad\nthing\u0007' })]));
    // eslint-disable-next-line no-control-regex
    expect(text.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f]/);
  });
});
