/**
 * A replay run: opens the capture, picks the sessions, and replays each one
 * (concurrently, on their original relative start times scaled by the
 * speed, or all at once at max speed), `loop` times over; reports progress
 * as it goes and returns the whole report. Cancel it with the signal.
 */
import { type IdentityPolicy } from '../net/handshake';
import {
  worstVerdict,
  type ReplayCounts,
  type ReplayReport,
  type ReplaySessionInfo,
  type ReplayVerdict,
  type SessionReport,
} from '../../src-shared/ipc/replay';
import { driveSession } from './driver';
import { ReplayError } from './errors';
import { evaluate } from './evaluate';
import { IdentityMap } from './identity';
import { buildRules, type ReplayRules, type RuleOptions } from './rules';
import { buildScript } from './script';
import { ReplaySource } from './source';

export interface ReplayOptions {
  readonly capture: string;
  readonly target: { readonly host: string; readonly port: number };
  readonly identity: IdentityPolicy;
  /** Session numbers (default: every replayable session). */
  readonly sessions?: readonly number[];
  /** Log in as this account for every session (default: the captured account of each). */
  readonly account?: string;
  /** The password for every account, unless `passwords` has one for it. */
  readonly password?: string;
  readonly passwords?: Readonly<Record<string, string>>;
  readonly speed?: number | 'max';
  readonly loop?: number;
  /** Sessions replayed at once (default 256). */
  readonly concurrency?: number;
  readonly rules?: RuleOptions;
  readonly allowDamage?: boolean;
  readonly requestTimeoutMs?: number;
  readonly settleMs?: number;
  readonly maxSettleMs?: number;
  readonly logoutAtEnd?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: RunProgress) => void;
  /** Each session's report as soon as it is done. */
  readonly onSession?: (r: SessionReport) => void;
  /** The identity each server presented (trust-on-first-use runs report it). */
  readonly onServerIdentity?: (key: Uint8Array) => void;
}

export interface RunProgress {
  readonly sessionsTotal: number;
  readonly sessionsDone: number;
  readonly stepsTotal: number;
  readonly stepsDone: number;
  readonly elapsedMs: number;
  readonly etaMs: number | null;
  readonly counts: ReplayCounts;
}

export const SPEED_MIN = 0.1;
export const SPEED_MAX = 100;

export function checkSpeed(speed: unknown): number | 'max' {
  if (speed === 'max') return 'max';
  const n = typeof speed === 'string' ? Number(speed.replace(/x$/i, '')) : speed;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < SPEED_MIN || n > SPEED_MAX) {
    throw new ReplayError('BAD_OPTION', `speed must be between ${SPEED_MIN} and ${SPEED_MAX} (a factor on the captured timing) or "max", got ${JSON.stringify(speed)}`);
  }
  return n;
}

export function emptyCounts(): { -readonly [K in keyof ReplayCounts]: number } {
  return { sessions: 0, matched: 0, differed: 0, missing: 0, unexpected: 0, error: 0 };
}

export async function runReplay(o: ReplayOptions): Promise<ReplayReport> {
  const speed = checkSpeed(o.speed ?? 1);
  const loop = o.loop ?? 1;
  if (!Number.isInteger(loop) || loop < 1 || loop > 100_000) throw new ReplayError('BAD_OPTION', `loop must be an integer from 1, got ${String(o.loop)}`);
  const rules = buildRules(o.rules);
  const startedAt = Date.now();
  const source = await ReplaySource.open(o.capture, { allowDamage: o.allowDamage ?? false });
  try {
    const selected = source.select(o.sessions);
    for (const s of selected) passwordFor(o, s.account ?? o.account ?? null, s.session);
    const counts = emptyCounts();
    const sessions: SessionReport[] = [];
    let stepsTotal = selected.reduce((n, s) => n + Math.max(0, s.c2s), 0) * loop;
    let stepsDone = 0;
    let lastProgress = 0;
    const progress = (force = false): void => {
      const now = Date.now();
      if (!o.onProgress || (!force && now - lastProgress < 100)) return;
      lastProgress = now;
      const elapsedMs = now - startedAt;
      o.onProgress({
        sessionsTotal: selected.length * loop,
        sessionsDone: sessions.length,
        stepsTotal,
        stepsDone,
        elapsedMs,
        etaMs: stepsDone > 0 && stepsTotal > stepsDone ? (elapsedMs / stepsDone) * (stepsTotal - stepsDone) : stepsDone >= stepsTotal ? 0 : null,
        counts: { ...counts },
      });
    };
    const earliest = Math.min(...selected.map((s) => s.start ?? Infinity));
    for (let iteration = 1; iteration <= loop; iteration++) {
      if (o.signal?.aborted) break;
      const t0 = performance.now();
      await pool(selected, o.concurrency ?? 256, async (info) => {
        // Original relative start times, scaled; at max speed everyone starts at once.
        if (speed !== 'max' && info.start !== null && Number.isFinite(earliest)) {
          const wait = (info.start - earliest) / speed - (performance.now() - t0);
          if (wait > 0) await abortableSleep(wait, o.signal);
        }
        const r = await replayOne(source, info, iteration, speed, rules, o, (adjust) => {
          stepsTotal += adjust;
        }, () => {
          stepsDone++;
          progress();
        });
        sessions.push(r);
        counts.sessions++;
        counts[r.verdict]++;
        o.onSession?.(r);
        progress(true);
      });
    }
    sessions.sort((a, b) => a.iteration - b.iteration || a.session - b.session);
    const verdict: ReplayVerdict = o.signal?.aborted && sessions.length < selected.length * loop ? 'error' : worstVerdict(sessions.map((s) => s.verdict));
    const finishedAt = Date.now();
    return {
      format: 'otbridge-replay',
      version: 1,
      capture: o.capture,
      target: `${o.target.host}:${o.target.port}`,
      startedAt,
      finishedAt,
      durationMs: finishedAt - startedAt,
      options: {
        speed,
        loop,
        sessions: selected.map((s) => s.session),
        ignore: rules.ignore,
        epsilon: rules.epsilon,
        tolerances: rules.tolerances,
        unordered: rules.unordered,
        ignorePushes: rules.ignorePushes,
      },
      verdict,
      exitCode: verdict === 'matched' ? 0 : 1,
      counts,
      sessions,
      warnings: [...source.warnings, ...(o.signal?.aborted ? ['cancelled before every session was replayed'] : [])],
    };
  } finally {
    await source.close();
  }
}

async function replayOne(
  source: ReplaySource,
  info: ReplaySessionInfo,
  iteration: number,
  speed: number | 'max',
  rules: ReplayRules,
  o: ReplayOptions,
  adjustTotal: (n: number) => void,
  onStep: () => void,
): Promise<SessionReport> {
  const startedAt = Date.now();
  let account = o.account ?? info.account ?? '?';
  try {
    const script = buildScript(info.session, source.meta(info.session), await source.records(info.session));
    account = o.account ?? script.account ?? account;
    // The overview counted every client frame; the script knows how many are steps.
    adjustTotal(script.steps.length - info.c2s);
    const identities = new IdentityMap(rules.identity);
    const outcome = await driveSession(script, identities, {
      host: o.target.host,
      port: o.target.port,
      identity: o.identity,
      account,
      password: passwordFor(o, account, info.session),
      speed,
      ...(o.requestTimeoutMs !== undefined ? { requestTimeoutMs: o.requestTimeoutMs } : {}),
      ...(o.settleMs !== undefined ? { settleMs: o.settleMs } : {}),
      ...(o.maxSettleMs !== undefined ? { maxSettleMs: o.maxSettleMs } : {}),
      ...(o.logoutAtEnd !== undefined ? { logoutAtEnd: o.logoutAtEnd } : {}),
      pushIgnores: rules.pushIgnores,
      ...(o.signal ? { signal: o.signal } : {}),
      onStep,
    });
    if (outcome.serverIdentity) o.onServerIdentity?.(outcome.serverIdentity);
    return evaluate(script, outcome, rules, identities, { iteration, account, requestTimeoutMs: o.requestTimeoutMs ?? 10_000 });
  } catch (e) {
    return errorReport(info, iteration, account, startedAt, (e as Error).message);
  }
}

function passwordFor(o: ReplayOptions, account: string | null, session: number): string {
  const p = (account !== null ? o.passwords?.[account] : undefined) ?? o.password;
  if (p === undefined) {
    throw new ReplayError(
      'NO_CREDENTIALS',
      `no password for ${account === null ? `session ${session} (its account is not known from the capture: give --account)` : `account "${account}" (session ${session})`}: ` +
        'captures never hold passwords; give --password, --password-file or --credentials',
    );
  }
  return p;
}

function errorReport(info: ReplaySessionInfo, iteration: number, account: string, startedAt: number, error: string): SessionReport {
  return {
    session: info.session,
    iteration,
    account,
    verdict: 'error',
    error,
    startedAt,
    durationMs: Date.now() - startedAt,
    play: null,
    steps: 0,
    sent: 0,
    skipped: 0,
    counts: { matched: 0, differed: 0, missing: 0, unexpected: 0 },
    byType: [],
    messages: [],
    moreMessages: 0,
    state: { verdict: 'none', capturedVersions: 0, replayedVersions: 0, matchedVersions: 0, coalesced: 0, divergence: null, finalMatch: false },
    pushes: [],
    identities: [],
    latency: [],
    warnings: [],
  };
}

/** Runs `work` over `items` with at most `limit` at once. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
