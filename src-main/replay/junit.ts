/**
 * A replay report as JUnit XML, the format CI servers read (Jenkins,
 * GitLab, GitHub Actions reporters): one test suite per replayed session,
 * one test case for its state timeline, one for its other pushes, and one
 * per request type; a case fails with the readable differences. Push kinds
 * an ignore rule left out are skipped cases, with their counts. A session
 * that could not run is one case with an <error>.
 */
import { type ReplayReport, type SessionReport } from '../../src-shared/ipc/replay';
import { differenceLine, identityLine, sessionDetails } from './report-text';

/** Whether XML 1.0 allows this code point in text: tab, LF, CR, and the printable ranges (no lone surrogates). */
function xmlAllowed(c: number): boolean {
  return c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

/** Text safe inside XML: the five entities escaped, characters XML 1.0 forbids replaced by U+FFFD. */
export function xmlText(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (!xmlAllowed(c)) out += '\ufffd';
    else if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '"') out += '&quot;';
    else if (ch === "'") out += '&apos;';
    else out += ch;
  }
  return out;
}

const attr = (name: string, v: string | number): string => ` ${name}="${xmlText(String(v))}"`;
const seconds = (ms: number): string => (ms / 1000).toFixed(3);
/** Only when something was skipped: reports without ignore rules look as they always did. */
const skippedAttr = (n: number): string => (n ? attr('skipped', n) : '');

interface Case {
  readonly name: string;
  readonly failure?: { readonly message: string; readonly type: string; readonly text: string };
  readonly error?: { readonly message: string; readonly text: string };
  /** A push kind an ignore rule left out: reported as skipped, with its counts. */
  readonly skipped?: { readonly message: string };
}

function casesOf(s: SessionReport): Case[] {
  if (s.error && s.sent === 0 && s.steps === 0) return [{ name: 'replay', error: { message: s.error, text: s.error } }];
  const out: Case[] = [];
  if (s.error) out.push({ name: 'replay', error: { message: s.error, text: sessionDetails(s, '').join('\n') } });
  const st = s.state;
  if (st.verdict !== 'none') {
    const d = st.divergence;
    out.push(
      d
        ? {
            name: 'state timeline',
            failure: {
              type: st.verdict,
              message: `state diverged at captured version ${d.capturedVersion}: ${differenceLine(d)}`,
              text: [
                `captured versions ${st.capturedVersions}, replayed ${st.replayedVersions}, matched ${st.matchedVersions}`,
                d.after ? `after step #${d.after.step} ${d.after.type} ${JSON.stringify(d.after.body)} (capture record ${d.after.recordId})` : 'in the login snapshot',
                differenceLine(d),
                ...d.differences.map(differenceLine),
                ...(d.moreDifferences ? [`… ${d.moreDifferences} more`] : []),
              ].join('\n'),
            },
          }
        : st.verdict === 'unexpected'
          ? { name: 'state timeline', failure: { type: 'unexpected', message: 'the replay received state, the capture has none', text: '' } }
          : { name: 'state timeline' },
    );
  }
  const compared = s.pushes.filter((p) => p.ignored === undefined);
  const bad = compared.filter((p) => p.differed + p.missing + p.unexpected > 0);
  if (compared.length) {
    out.push(
      bad.length
        ? {
            name: 'pushes',
            failure: {
              type: 'differed',
              message: bad.map((p) => `${p.key}: ${p.captured} captured, ${p.replayed} replayed`).join('; '),
              text: bad.flatMap((p) => p.examples.flatMap((e) => e.differences.map((x) => `${p.key} #${e.index} ${e.verdict}: ${differenceLine(x)}`))).join('\n'),
            },
          }
        : { name: 'pushes' },
    );
  }
  for (const p of s.pushes) {
    if (p.ignored !== undefined) out.push({ name: `pushes ${p.key}`, skipped: { message: `ignored (rule "${p.ignored}"): ${p.captured} captured, ${p.replayed} replayed` } });
  }
  for (const t of s.byType) {
    const failed = t.differed + t.missing + t.unexpected;
    if (!failed) {
      out.push({ name: `${t.type} answers` });
      continue;
    }
    const ms = s.messages.filter((m) => m.request === t.type);
    out.push({
      name: `${t.type} answers`,
      failure: {
        type: t.differed ? 'differed' : t.missing ? 'missing' : 'unexpected',
        message: `${failed} of ${failed + t.matched} ${t.type} answers did not match`,
        text: ms
          .flatMap((m) => [
            `#${m.step} (capture record ${m.recordId}) ${m.verdict}: captured ${m.capturedResponse ?? 'nothing'}, replayed ${m.replayedResponse ?? 'nothing'}${m.note ? ` — ${m.note}` : ''}`,
            ...m.differences.map((d) => `  ${differenceLine(d)}`),
          ])
          .join('\n'),
      },
    });
  }
  return out;
}

export function toJUnit(r: ReplayReport): string {
  const suites = r.sessions.map((s) => ({ s, cases: casesOf(s) }));
  const count = (f: (c: Case) => boolean): number => suites.reduce((n, x) => n + x.cases.filter(f).length, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attr('name', `otbridge replay ${r.capture}`)}${attr('tests', count(() => true))}${attr('failures', count((c) => !!c.failure))}${attr('errors', count((c) => !!c.error))}${skippedAttr(count((c) => !!c.skipped))}${attr('time', seconds(r.durationMs))}>`,
  ];
  for (const { s, cases } of suites) {
    const suiteName = `session ${s.session}${s.iteration > 1 ? ` #${s.iteration}` : ''}${s.account ? ` (${s.account})` : ''}`;
    const classname = `replay.session${s.session}${s.iteration > 1 ? `.run${s.iteration}` : ''}`;
    lines.push(
      `  <testsuite${attr('name', suiteName)}${attr('tests', cases.length)}${attr('failures', cases.filter((c) => c.failure).length)}${attr('errors', cases.filter((c) => c.error).length)}${skippedAttr(cases.filter((c) => c.skipped).length)}${attr('time', seconds(s.durationMs))}${attr('timestamp', new Date(s.startedAt).toISOString().replace(/\.\d+Z$/, ''))}>`,
    );
    lines.push('    <properties>');
    lines.push(`      <property${attr('name', 'capture')}${attr('value', r.capture)}/>`);
    lines.push(`      <property${attr('name', 'target')}${attr('value', r.target)}/>`);
    lines.push(`      <property${attr('name', 'verdict')}${attr('value', s.verdict)}/>`);
    const id = identityLine(s);
    if (id) lines.push(`      <property${attr('name', 'identities')}${attr('value', id)}/>`);
    lines.push('    </properties>');
    for (const c of cases) {
      const head = `    <testcase${attr('classname', classname)}${attr('name', c.name)}${attr('time', '0')}`;
      if (c.failure) lines.push(`${head}>`, `      <failure${attr('message', c.failure.message)}${attr('type', c.failure.type)}>${xmlText(c.failure.text)}</failure>`, '    </testcase>');
      else if (c.error) lines.push(`${head}>`, `      <error${attr('message', c.error.message)}${attr('type', 'error')}>${xmlText(c.error.text)}</error>`, '    </testcase>');
      else if (c.skipped) lines.push(`${head}>`, `      <skipped${attr('message', c.skipped.message)}/>`, '    </testcase>');
      else lines.push(`${head}/>`);
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
