/**
 * What a replay reports, to the CLI, the console's Replay view and CI: the
 * types of the `replay.*` channels of ./contract.ts. A report is plain JSON
 * (it is written to files and sent over IPC as it is).
 *
 * Wording: "captured" is what the capture holds (the old build's answers),
 * "replayed" is what the server under test answered this time.
 */

/**
 * How one message, one session or a whole run compares:
 * - matched: the same, after ignore rules, tolerances and identity mapping;
 * - differed: both sides have it, with different contents;
 * - missing: the capture has it, the replay does not;
 * - unexpected: the replay has it, the capture does not;
 * - error: the replay could not run (connection, login, cancelled).
 * A session's or a run's verdict is its worst part, in that order.
 */
export type ReplayVerdict = 'matched' | 'differed' | 'missing' | 'unexpected' | 'error';

export const VERDICT_RANK: Readonly<Record<ReplayVerdict, number>> = { matched: 0, unexpected: 1, missing: 2, differed: 3, error: 4 };

export function worstVerdict(verdicts: Iterable<ReplayVerdict>): ReplayVerdict {
  let worst: ReplayVerdict = 'matched';
  for (const v of verdicts) if (VERDICT_RANK[v] > VERDICT_RANK[worst]) worst = v;
  return worst;
}

/** One difference between two JSON values, at a JSON pointer. */
export interface ValueDifference {
  readonly path: string;
  /** changed: both have a value there; missing: only the capture; unexpected: only the replay. */
  readonly kind: 'changed' | 'missing' | 'unexpected';
  readonly captured?: unknown;
  readonly replayed?: unknown;
}

/** A client request and its answer, captured vs replayed. Matched ones are counted, not listed. */
export interface MessageComparison {
  /** Position of the client message in the session's script (1-based). */
  readonly step: number;
  /** The request's record id in the capture. */
  readonly recordId: number;
  readonly request: string;
  readonly verdict: ReplayVerdict;
  readonly capturedResponse: string | null;
  readonly replayedResponse: string | null;
  readonly differences: readonly ValueDifference[];
  /** Differences beyond those listed. */
  readonly moreDifferences: number;
  readonly note?: string;
}

/** The client message sent last before a state version arrived. */
export interface StepRef {
  readonly step: number;
  readonly recordId: number;
  readonly type: string;
  /** The body as captured (bounded for reports). */
  readonly body: unknown;
}

export interface StateDivergence {
  /** The first captured version the replay did not reproduce. */
  readonly capturedVersion: number;
  /** The replayed version it was compared with (null when the replay had no state at all). */
  readonly replayedVersion: number | null;
  /** The first differing path, with both values. */
  readonly path: string;
  readonly kind: ValueDifference['kind'];
  readonly captured?: unknown;
  readonly replayed?: unknown;
  /** Further differences between the two versions (the first few). */
  readonly differences: readonly ValueDifference[];
  readonly moreDifferences: number;
  /** The client message that preceded the captured version (null: the login snapshot). */
  readonly after: StepRef | null;
}

/** The server's state pushes (GAME_STATE_SYNC / GAME_STATE_UPDATE) rebuilt as two timelines and aligned. */
export interface StateComparison {
  /** none: neither side had any state. */
  readonly verdict: ReplayVerdict | 'none';
  readonly capturedVersions: number;
  readonly replayedVersions: number;
  /** Captured versions found again in the replay, in order. */
  readonly matchedVersions: number;
  /** Versions one side went through and the other skipped because its server batched changes differently (not a difference). */
  readonly coalesced: number;
  readonly divergence: StateDivergence | null;
  /** The final states differ too (or not): a divergence that later healed says so here. */
  readonly finalMatch: boolean;
}

/** Other pushes (EVENT_BROADCAST, RESOURCE_UPDATE, ERROR with ref 0), compared in order per kind. */
export interface PushComparison {
  /** Type, and the name or code (and a broadcast's source) that groups it: "EVENT_BROADCAST chat.say from p-2", "ERROR RATE_LIMITED". */
  readonly key: string;
  /** Set when a push ignore rule left this kind out: the rule. Its pushes are counted, not compared (matched … unexpected are 0). */
  readonly ignored?: string;
  /**
   * Another player's broadcasts beyond the captured ones that arrived while
   * the replay let the server finish before a logout or at the end — later
   * than the captured session lasted: counted here, not as unexpected.
   */
  readonly late?: number;
  readonly captured: number;
  readonly replayed: number;
  readonly matched: number;
  readonly differed: number;
  readonly missing: number;
  readonly unexpected: number;
  /** The first few that were not matched. */
  readonly examples: readonly { readonly verdict: ReplayVerdict; readonly index: number; readonly differences: readonly ValueDifference[] }[];
}

/**
 * A value the server hands out that the replay learnt from the new answers
 * (or minted itself) and used in place of the captured one. Secrets are
 * never shown: tokens appear as "(rotated N times)".
 */
export interface IdentityRow {
  readonly kind: string;
  /** map: captured value → new value; current: the latest new value is used; fresh: minted by the replay; shift: re-based on the replay's clock. */
  readonly how: 'map' | 'current' | 'fresh' | 'shift';
  readonly captured: string;
  readonly replayed: string;
  /** Where it was learnt: "AUTH_LOGIN /playerId". */
  readonly learnedFrom: string;
  /** How many times it was substituted into client messages. */
  readonly used: number;
}

export interface LatencyStats {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly mean: number;
}

/** Round trip per request type: as captured (measured by the proxy) and now. */
export interface LatencyRow {
  readonly type: string;
  readonly captured: LatencyStats | null;
  readonly replayed: LatencyStats | null;
}

export interface TypeCounts {
  readonly type: string;
  readonly matched: number;
  readonly differed: number;
  readonly missing: number;
  readonly unexpected: number;
}

export interface SessionReport {
  /** Session number in the capture. */
  readonly session: number;
  /** 1-based, with --loop. */
  readonly iteration: number;
  readonly account: string | null;
  readonly verdict: ReplayVerdict;
  readonly error?: string;
  readonly startedAt: number;
  readonly durationMs: number;
  /** From the first client message sent to the last answer it waited for (login, settling and logout aside); null when nothing was sent. */
  readonly play: { readonly startedAt: number; readonly ms: number } | null;
  /** Client messages in the script, sent, and left out (handshake, answers to server heartbeats, dropped by a fault). */
  readonly steps: number;
  readonly sent: number;
  readonly skipped: number;
  /** Requests answered, by verdict. */
  readonly counts: { readonly matched: number; readonly differed: number; readonly missing: number; readonly unexpected: number };
  readonly byType: readonly TypeCounts[];
  /** Every request that did not match (bounded). */
  readonly messages: readonly MessageComparison[];
  readonly moreMessages: number;
  readonly state: StateComparison;
  readonly pushes: readonly PushComparison[];
  readonly identities: readonly IdentityRow[];
  readonly latency: readonly LatencyRow[];
  readonly warnings: readonly string[];
}

export interface ReplayCounts {
  readonly sessions: number;
  readonly matched: number;
  readonly differed: number;
  readonly missing: number;
  readonly unexpected: number;
  readonly error: number;
}

export interface ReplayReportOptions {
  readonly speed: number | 'max';
  readonly loop: number;
  readonly sessions: readonly number[];
  readonly ignore: readonly string[];
  readonly epsilon: number;
  readonly tolerances: readonly { readonly path: string; readonly epsilon: number }[];
  readonly unordered: readonly string[];
  /** Push kinds left out of the comparison ("EVENT_BROADCAST chat.*", "EVENT_BROADCAST * from bot-2"); absent in reports from before they existed. */
  readonly ignorePushes?: readonly string[];
}

export interface ReplayReport {
  readonly format: 'otbridge-replay';
  readonly version: 1;
  readonly capture: string;
  readonly target: string;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly durationMs: number;
  readonly options: ReplayReportOptions;
  readonly verdict: ReplayVerdict;
  /** 0 only when every session matched. */
  readonly exitCode: number;
  readonly counts: ReplayCounts;
  readonly sessions: readonly SessionReport[];
  readonly warnings: readonly string[];
}

// ---- console channels ---------------------------------------------------------

/** A session of a capture as the Replay view lists it. */
export interface ReplaySessionInfo {
  readonly session: number;
  readonly account: string | null;
  readonly mode: string | null;
  readonly messages: number;
  readonly c2s: number;
  readonly s2c: number;
  readonly start: number | null;
  readonly end: number | null;
  /** False when it cannot be replayed; `problem` says why. */
  readonly replayable: boolean;
  readonly problem?: string;
}

export interface ReplayOpenResult {
  readonly path: string;
  readonly kind: 'pcapng' | 'ndjson';
  readonly messages: number;
  readonly sessions: readonly ReplaySessionInfo[];
  /** Damage the reader stepped over (replay refuses a damaged capture unless allowDamage). */
  readonly warnings: readonly string[];
}

export interface ReplayStartParams {
  readonly capture: string;
  /** Session numbers; all replayable sessions when absent or empty. */
  readonly sessions?: readonly number[];
  /** host:port of the server under test. */
  readonly target: string;
  /** The identity key to pin (base64url, 32 bytes, as the server prints it); null trusts whatever it presents (and reports it). */
  readonly identity: string | null;
  /** Log in as this account for every session (default: each session's captured account). */
  readonly account?: string;
  readonly password?: string;
  /** Passwords by account name, for sessions of several accounts. */
  readonly passwords?: Readonly<Record<string, string>>;
  /** 0.1 … 100, or 'max' (as fast as acknowledgements allow). Default 1. */
  readonly speed?: number | 'max';
  readonly loop?: number;
  readonly concurrency?: number;
  /** Ignore rules (JSON pointers or globs, optionally "TYPE:" or "state:" scoped), added to the defaults. */
  readonly ignore?: readonly string[];
  readonly defaultIgnores?: boolean;
  readonly epsilon?: number;
  readonly tolerances?: readonly { readonly path: string; readonly epsilon: number }[];
  readonly unordered?: readonly string[];
  /**
   * Push kinds left out of the comparison, each "TYPE [NAME [from SOURCE]]"
   * with globs: "EVENT_BROADCAST chat.*", "EVENT_BROADCAST * from bot-2",
   * "ERROR RATE_LIMITED". For a lone session replayed from a capture of
   * several players, which cannot receive the others' broadcasts. Ignored
   * kinds are still counted and listed in the report (PushComparison.ignored).
   */
  readonly ignorePushes?: readonly string[];
  readonly allowDamage?: boolean;
}

export interface ReplayProgress {
  readonly runId: string;
  readonly sessionsTotal: number;
  readonly sessionsDone: number;
  readonly stepsTotal: number;
  readonly stepsDone: number;
  readonly elapsedMs: number;
  /** null until there is enough to estimate. */
  readonly etaMs: number | null;
  /** The verdicts so far. */
  readonly counts: ReplayCounts;
}

export interface ReplayDone {
  readonly runId: string;
  readonly verdict: ReplayVerdict;
  readonly exitCode: number;
  readonly counts: ReplayCounts;
  readonly durationMs: number;
  /** Set when the run itself failed (bad capture, bad options) rather than a session. */
  readonly error?: string;
}
