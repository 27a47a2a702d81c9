/**
 * Compares one replayed session with its capture: each request's answer
 * (structurally, under the rules), the state timelines (rebuilt on both
 * sides and aligned), the other pushes (as streams), and the latency per
 * request type — into the session's report.
 */
import {
  worstVerdict,
  type LatencyRow,
  type LatencyStats,
  type MessageComparison,
  type ReplayVerdict,
  type SessionReport,
  type StateComparison,
  type StepRef,
  type TypeCounts,
  type ValueDifference,
} from '../../src-shared/ipc/replay';
import { alignStates } from './align';
import { compareJson, equalUnder, type CompareRules } from './compare';
import { type DriverOutcome, type ReplayedResponse } from './driver';
import { type IdentityMap } from './identity';
import { preview } from './json-paths';
import { comparePushes, pushesVerdict, type PushItem } from './pushes';
import { compareRules, type ReplayRules } from './rules';
import { type ExpectedResponse, type SessionScript } from './script';
import { StateHasher } from './state-hash';
import { StateSeries, type SeriesVersion } from './state-series';

const MAX_MESSAGES = 200;
const MAX_DIFFS = 10;

const STATE_TYPES: ReadonlySet<string> = new Set(['GAME_STATE_SYNC', 'GAME_STATE_UPDATE']);
/** A snapshot or a batch of updates: an answer whose contents are compared as state, not as a message. */
const isStateAnswer = (type: string, body: unknown): boolean =>
  type === 'GAME_STATE_SYNC' || (type === 'GAME_STATE_UPDATE' && Array.isArray((body as { ops?: unknown } | undefined)?.ops));

export interface EvaluateInfo {
  readonly iteration: number;
  readonly account: string;
  readonly requestTimeoutMs: number;
}

export function evaluate(script: SessionScript, outcome: DriverOutcome, rules: ReplayRules, identities: IdentityMap, info: EvaluateInfo): SessionReport {
  const warnings = [...outcome.warnings];
  // Pushes first: pairing broadcasts teaches the identity map their ids, which the other comparisons then use.
  const capturedPushes: PushItem[] = script.inbound.filter((m) => !m.isResponse && !STATE_TYPES.has(m.type));
  const replayedPushes: PushItem[] = outcome.inbound.filter((m) => !m.isResponse && !STATE_TYPES.has(m.type));
  const cmp = compareRules(rules, identities.translate);
  const self = (outcome.login?.response as { playerId?: unknown } | null | undefined)?.playerId;
  const pushes = comparePushes(capturedPushes, replayedPushes, cmp, identities, { ignores: rules.pushIgnores, ...(typeof self === 'string' ? { self } : {}) });
  const late = pushes.reduce((n, p) => n + (p.late ?? 0), 0);
  if (late) {
    warnings.push(
      `${late} broadcast${late === 1 ? '' : 's'} from other players arrived while the replay let the server finish before the session ended, ` +
        'later than the captured session lasted: not counted as unexpected',
    );
  }

  const messages: MessageComparison[] = [];
  const byType = new Map<string, { matched: number; differed: number; missing: number; unexpected: number }>();
  let moreMessages = 0;
  const tally = (type: string, v: ReplayVerdict): void => {
    let t = byType.get(type);
    if (!t) byType.set(type, (t = { matched: 0, differed: 0, missing: 0, unexpected: 0 }));
    if (v !== 'error') t[v]++;
  };
  const note = (m: MessageComparison): void => {
    tally(m.request, m.verdict);
    if (m.verdict === 'matched') return;
    if (messages.length < MAX_MESSAGES) messages.push(m);
    else moreMessages++;
  };

  // The login answer is compared like any other (tokens are ignored by default).
  if (outcome.login) {
    note(compareAnswer(0, script.login.recordId, 'AUTH_LOGIN', script.login.response, { type: outcome.login.type, body: outcome.login.response, latencyMs: outcome.login.latencyMs }, cmp, false, info));
  }
  const latency = new Map<string, { captured: number[]; replayed: number[] }>();
  let sent = 0;
  for (const step of script.steps) {
    const so = outcome.steps[step.index - 1]!;
    if (so.sent) sent++;
    if (!step.isRequest || !so.sent) continue;
    note(compareAnswer(step.index, step.recordId, step.type, step.expected, so.response, cmp, so.timedOut, info, so.error));
    const l = latency.get(step.type) ?? { captured: [], replayed: [] };
    latency.set(step.type, l);
    if (step.expected?.latencyMs !== undefined) l.captured.push(step.expected.latencyMs);
    if (so.response) l.replayed.push(so.response.latencyMs);
  }

  const state = compareStates(script, outcome, rules, identities, cmp, warnings);
  const counts = { matched: 0, differed: 0, missing: 0, unexpected: 0 };
  for (const t of byType.values()) {
    counts.matched += t.matched;
    counts.differed += t.differed;
    counts.missing += t.missing;
    counts.unexpected += t.unexpected;
  }
  const parts: ReplayVerdict[] = [pushesVerdict(pushes)];
  for (const v of ['differed', 'missing', 'unexpected'] as const) if (counts[v]) parts.push(v);
  if (state.verdict !== 'none') parts.push(state.verdict);
  if (outcome.error) parts.push('error');
  return {
    session: script.session,
    iteration: info.iteration,
    account: info.account,
    verdict: worstVerdict(parts),
    ...(outcome.error ? { error: outcome.error } : {}),
    startedAt: outcome.startedAt,
    durationMs: outcome.endedAt - outcome.startedAt,
    play: outcome.playStartedAt !== null ? { startedAt: outcome.playStartedAt, ms: (outcome.playEndedAt ?? outcome.endedAt) - outcome.playStartedAt } : null,
    steps: script.steps.length,
    sent,
    skipped: script.skipped.length,
    counts,
    byType: [...byType.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([type, c]): TypeCounts => ({ type, ...c })),
    messages,
    moreMessages,
    state,
    pushes,
    identities: identities.rows(),
    latency: [...latency.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([type, l]): LatencyRow => ({ type, captured: stats(l.captured), replayed: stats(l.replayed) })),
    warnings: [...warnings, ...script.skipped.slice(0, 5).map((s) => `message ${s.recordId} (${s.type}) not replayed: ${s.reason}`)],
  };
}

function compareAnswer(
  step: number,
  recordId: number,
  request: string,
  expected: ExpectedResponse | null,
  actual: ReplayedResponse | null,
  cmp: CompareRules,
  timedOut: boolean,
  info: EvaluateInfo,
  error?: string | null,
): MessageComparison {
  const base = { step, recordId, request, capturedResponse: expected?.type ?? null, replayedResponse: actual?.type ?? null };
  if (!expected && !actual) return { ...base, verdict: 'matched', differences: [], moreDifferences: 0, note: 'no answer in the capture, none now' };
  if (!expected) {
    return { ...base, verdict: 'unexpected', differences: [{ path: '', kind: 'unexpected', replayed: preview(actual!.body) }], moreDifferences: 0, note: 'the capture has no answer to it' };
  }
  if (!actual) {
    const why = timedOut ? `no answer within ${info.requestTimeoutMs} ms` : error ? `no answer: ${error}` : 'no answer';
    return { ...base, verdict: 'missing', differences: [{ path: '', kind: 'missing', captured: preview(expected.body) }], moreDifferences: 0, note: why };
  }
  if (isStateAnswer(expected.type, expected.body) && isStateAnswer(actual.type, actual.body)) {
    return { ...base, verdict: 'matched', differences: [], moreDifferences: 0, note: 'state answer: compared with the state timeline' };
  }
  if (expected.type !== actual.type) {
    return {
      ...base,
      verdict: 'differed',
      differences: [{ path: '(type)', kind: 'changed', captured: expected.type, replayed: actual.type }, { path: '', kind: 'changed', captured: preview(expected.body), replayed: preview(actual.body) }],
      moreDifferences: 0,
    };
  }
  const d = compareJson(expected.body, actual.body, cmp, expected.type, MAX_DIFFS);
  return { ...base, verdict: d.total ? 'differed' : 'matched', differences: d.differences.map(bounded), moreDifferences: d.total - d.differences.length };
}

function compareStates(script: SessionScript, outcome: DriverOutcome, rules: ReplayRules, identities: IdentityMap, cmp: CompareRules, warnings: string[]): StateComparison {
  const captured = new StateSeries('captured');
  for (const m of script.inbound) captured.feed(m.type, m.body, m.afterStep, m.recordId);
  const replayed = new StateSeries('replayed');
  for (const m of outcome.inbound) replayed.feed(m.type, m.body, m.afterStep, m.seq);
  warnings.push(...captured.problems, ...replayed.problems);
  const c = captured.versions;
  const r = replayed.versions;
  if (c.length === 0 && r.length === 0) return { verdict: 'none', capturedVersions: 0, replayedVersions: 0, matchedVersions: 0, coalesced: 0, divergence: null, finalMatch: true };
  const ch = new StateHasher({ matcher: rules.matcher, epsilon: rules.epsilon, translate: identities.translate });
  const rh = new StateHasher({ matcher: rules.matcher, epsilon: rules.epsilon });
  const chashes = c.map((v) => ch.hash(v.state));
  const rhashes = r.map((v) => rh.hash(v.state));
  const loose = ch.loose || rh.loose;
  const a = alignStates(chashes, rhashes, loose ? (i, j) => equalUnder(c[i]!.state, r[j]!.state, cmp, 'state') : undefined);
  const base = { capturedVersions: c.length, replayedVersions: r.length, matchedVersions: a.matches.length, coalesced: a.coalesced, finalMatch: a.finalMatch };
  if (c.length === 0) return { ...base, verdict: 'unexpected', divergence: null };
  if (!a.divergence) return { ...base, verdict: 'matched', divergence: null };
  const trailing = unknowableTail(script, a, c, r);
  if (trailing) {
    warnings.push(
      `the capture ended within two sync ticks of message #${trailing.step}, before its server could send what followed it: ` +
        `the replay's last ${trailing.count} state version(s) have nothing to be compared with`,
    );
    return { ...base, verdict: 'matched', divergence: null, finalMatch: false };
  }
  const cv = c[a.divergence.captured]!;
  const rv = counterpart(a.divergence, a.matches, c, r);
  const d = compareJson(cv.state, rv?.state ?? {}, cmp, 'state', MAX_DIFFS + 1);
  const first = d.differences[0] ?? { path: '', kind: 'changed' as const, captured: undefined, replayed: undefined };
  return {
    ...base,
    verdict: rv ? 'differed' : 'missing',
    divergence: {
      capturedVersion: cv.version,
      replayedVersion: rv?.version ?? null,
      path: first.path,
      kind: first.kind,
      ...(first.captured !== undefined ? { captured: preview(first.captured) } : {}),
      ...(first.replayed !== undefined ? { replayed: preview(first.replayed) } : {}),
      differences: d.differences.slice(1).map(bounded),
      moreDifferences: Math.max(0, d.total - d.differences.length),
      after: stepRef(script, cv),
    },
  };
}

/**
 * The replayed version to show beside a captured one that was not
 * reproduced: the state the replay was in at the same point of the script
 * (the last version that arrived before the same client message did), not
 * before the last agreement; else the one the alignment suggests.
 */
function counterpart(
  d: { captured: number; replayed: number | null },
  matches: readonly (readonly [number, number])[],
  c: readonly SeriesVersion[],
  r: readonly SeriesVersion[],
): SeriesVersion | null {
  if (d.replayed === null) return null;
  // Only states after the last agreement (a state that matched cannot be where they part).
  let start = 0;
  for (const [ci, ri] of matches) if (ci <= d.captured) start = Math.max(start, ci === d.captured ? ri + 1 : ri);
  const at = c[d.captured]!.afterStep;
  let best = -1;
  for (let j = start; j < r.length && r[j]!.afterStep <= at; j++) best = j;
  return r[best >= 0 ? best : d.replayed]!;
}

/**
 * The replay went on where the capture stops: its last states came from a
 * message the old client sent so shortly before its capture ended (a
 * logout, a close) that the old server had no sync tick left to answer it.
 * The capture says nothing about those states; they are not a difference.
 */
function unknowableTail(
  script: SessionScript,
  a: { matches: readonly (readonly [number, number])[] },
  c: readonly SeriesVersion[],
  r: readonly SeriesVersion[],
): { step: number; count: number } | null {
  const last = a.matches[a.matches.length - 1];
  if (!last || last[0] !== c.length - 1 || last[1] >= r.length - 1) return null;
  const extra = r.slice(last[1] + 1);
  const first = Math.min(...extra.map((v) => v.afterStep));
  const step = script.steps[first - 1];
  if (!step || first <= c[c.length - 1]!.afterStep) return null;
  return script.end - step.time < 2 * script.syncIntervalMs ? { step: first, count: extra.length } : null;
}

function stepRef(script: SessionScript, v: SeriesVersion): StepRef | null {
  const s = v.afterStep > 0 ? script.steps[v.afterStep - 1] : undefined;
  return s ? { step: s.index, recordId: s.recordId, type: s.type, body: preview(s.body, 400) } : null;
}

function bounded(d: ValueDifference): ValueDifference {
  return {
    path: d.path,
    kind: d.kind,
    ...(d.captured !== undefined ? { captured: preview(d.captured) } : {}),
    ...(d.replayed !== undefined ? { replayed: preview(d.replayed) } : {}),
  };
}

export function stats(xs: readonly number[]): LatencyStats | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  return { count: s.length, p50: round(at(50)), p95: round(at(95)), mean: round(s.reduce((a, b) => a + b, 0) / s.length) };
}
