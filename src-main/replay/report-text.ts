/** The human summary of a replay report, as `otbridge replay` prints it. */
import { type ReplayReport, type SessionReport, type ValueDifference } from '../../src-shared/ipc/replay';

/** Control characters (a hostile body's newlines, escape sequences) become spaces: one difference, one line. */
export function oneLine(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    out += c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0) ? ' ' : ch;
  }
  return out;
}

const show = (v: unknown, max = 80): string => {
  if (v === undefined) return '(absent)';
  let s: string;
  try {
    s = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  } catch {
    s = String(v);
  }
  // One line per difference, whatever the value holds.
  s = oneLine(s);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
};

export function differenceLine(d: ValueDifference): string {
  const path = d.path === '' ? '(whole body)' : d.path;
  if (d.kind === 'missing') return `${path}: captured ${show(d.captured)}, absent in the replay`;
  if (d.kind === 'unexpected') return `${path}: absent in the capture, replayed ${show(d.replayed)}`;
  return `${path}: captured ${show(d.captured)}, replayed ${show(d.replayed)}`;
}

const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const name = (s: SessionReport): string => `session ${s.session}${s.iteration > 1 ? ` #${s.iteration}` : ''}${s.account ? ` (${s.account})` : ''}`;

export function sessionSummaryLine(s: SessionReport): string {
  const c = s.counts;
  const answers = c.matched + c.differed + c.missing + c.unexpected;
  const parts = [`${s.sent}/${s.steps} messages sent`, `${answers} answer${answers === 1 ? '' : 's'}${answers ? `: ${c.matched} matched` : ''}${c.differed ? `, ${c.differed} differed` : ''}${c.missing ? `, ${c.missing} missing` : ''}${c.unexpected ? `, ${c.unexpected} unexpected` : ''}`];
  const st = s.state;
  if (st.verdict !== 'none') parts.push(st.divergence ? `state diverged at version ${st.divergence.capturedVersion}` : `state ${st.matchedVersions}/${st.capturedVersions} versions`);
  const pushes = s.pushes.reduce((n, p) => n + p.captured, 0);
  const ignored = s.pushes.filter((p) => p.ignored !== undefined).length;
  if (pushes || ignored) parts.push(`${pushes} push${pushes === 1 ? '' : 'es'}${ignored ? ` (${ignored} kind${ignored === 1 ? '' : 's'} ignored)` : ''}`);
  return oneLine(`${name(s)}  ${s.verdict.toUpperCase()}  ${parts.join(', ')}  ${secs(s.durationMs)}`);
}

/** The details of one session that did not match, and the push kinds left out (empty for one that matched without ignoring any). */
export function sessionDetails(s: SessionReport, indent = '    '): string[] {
  const out: string[] = [];
  if (s.error) out.push(`${indent}error: ${s.error}`);
  const d = s.state.divergence;
  if (d) {
    const after = d.after ? `after #${d.after.step} ${d.after.type} ${show(d.after.body, 100)} (capture record ${d.after.recordId})` : 'in the login snapshot';
    out.push(`${indent}state: first divergence at captured version ${d.capturedVersion}${d.replayedVersion !== null ? ` (replayed version ${d.replayedVersion})` : ' (the replay received no state)'}, ${after}`);
    out.push(`${indent}  ${differenceLine(d)}`);
    for (const x of d.differences) out.push(`${indent}  ${differenceLine(x)}`);
    if (d.moreDifferences) out.push(`${indent}  … ${d.moreDifferences} more`);
    if (s.state.finalMatch) out.push(`${indent}  (the final states match again)`);
  } else if (s.state.verdict === 'unexpected') out.push(`${indent}state: the replay received state, the capture has none`);
  for (const m of s.messages) {
    out.push(`${indent}#${m.step} ${m.request} → ${m.replayedResponse ?? 'nothing'} ${m.verdict}${m.capturedResponse !== m.replayedResponse ? ` (captured: ${m.capturedResponse ?? 'nothing'})` : ''} (capture record ${m.recordId})${m.note ? `: ${m.note}` : ''}`);
    for (const x of m.differences.slice(0, 5)) out.push(`${indent}  ${differenceLine(x)}`);
    const more = m.moreDifferences + Math.max(0, m.differences.length - 5);
    if (more) out.push(`${indent}  … ${more} more`);
  }
  if (s.moreMessages) out.push(`${indent}… ${s.moreMessages} more answers that did not match (see the JSON report)`);
  for (const p of s.pushes) {
    if (p.ignored !== undefined) {
      out.push(`${indent}pushes ${p.key}: ${p.captured} captured, ${p.replayed} replayed, ignored (rule "${p.ignored}")`);
      continue;
    }
    if (p.differed + p.missing + p.unexpected === 0) continue;
    out.push(`${indent}pushes ${p.key}: ${p.captured} captured, ${p.replayed} replayed (${[p.differed && `${p.differed} differed`, p.missing && `${p.missing} missing`, p.unexpected && `${p.unexpected} unexpected`].filter(Boolean).join(', ')})`);
    const ex = p.examples[0];
    if (ex) for (const x of ex.differences.slice(0, 3)) out.push(`${indent}  #${ex.index}: ${differenceLine(x)}`);
  }
  for (const w of s.warnings.slice(0, 5)) out.push(`${indent}note: ${w}`);
  return out;
}

export function identityLine(s: SessionReport): string | null {
  // What was substituted, and ids that changed; a token or version nobody used says nothing.
  const shown = s.identities.filter((i) => i.used > 0 || (i.how !== 'current' && i.how !== 'shift' && i.captured !== i.replayed)).slice(0, 6);
  if (!shown.length) return null;
  return `identities: ${shown.map((i) => (i.how === 'fresh' ? `${i.kind} ${short(i.captured)} → ${short(i.replayed)} (minted)` : `${i.kind} ${short(i.captured)} → ${short(i.replayed)}`)).join(', ')}`;
}

const short = (s: string): string => (s.length > 14 ? `${s.slice(0, 8)}…` : s);

export function formatReport(r: ReplayReport, opts: { verbose?: boolean } = {}): string {
  const lines: string[] = [];
  const speed = r.options.speed === 'max' ? 'max speed' : `speed ${r.options.speed}×`;
  lines.push(`replay ${r.capture} → ${r.target}  (${speed}, ${r.options.sessions.length} session${r.options.sessions.length === 1 ? '' : 's'}${r.options.loop > 1 ? `, ${r.options.loop} loops` : ''})`);
  for (const s of r.sessions) {
    lines.push(`  ${sessionSummaryLine(s)}`);
    lines.push(...sessionDetails(s));
    if (opts.verbose || s.verdict !== 'matched') {
      const id = identityLine(s);
      if (id) lines.push(`    ${id}`);
    }
    if (opts.verbose && s.latency.length) {
      lines.push('    latency p50 ms      captured  replayed');
      for (const l of s.latency) lines.push(`      ${l.type.padEnd(20)} ${fmt(l.captured?.p50).padStart(8)}  ${fmt(l.replayed?.p50).padStart(8)}`);
    }
  }
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  const c = r.counts;
  const tally = (['matched', 'differed', 'missing', 'unexpected', 'error'] as const).filter((k) => c[k]).map((k) => `${c[k]} ${k}`).join(', ');
  lines.push(`overall: ${r.verdict.toUpperCase()} — ${tally || 'nothing replayed'} of ${c.sessions} session run${c.sessions === 1 ? '' : 's'} in ${secs(r.durationMs)} (exit code ${r.exitCode})`);
  return `${lines.map(oneLine).join('\n')}\n`;
}

const fmt = (x: number | undefined): string => (x === undefined ? '-' : x.toFixed(2));
