/**
 * The comparison rules of a replay, from the user's options: ignored paths
 * (the defaults below plus theirs), number tolerances, unordered arrays,
 * and the identity table — compiled into one PathMatcher — and the push
 * kinds left out.
 */
import { type CompareRules } from './compare';
import { ReplayError } from './errors';
import { DEFAULT_IDENTITY_RULES, checkIdentityRules, identityIgnores, type IdentityRules } from './identity-rules';
import { PathMatcher, parsePathRule, type PathRule } from './patterns';
import { PushIgnores } from './push-ignores';

/**
 * Ignored by default: what changes on every run of any server. Tokens and
 * session ids are new each login; `ts` members are clock stamps (state op
 * stamps, EVENT_BROADCAST times); a script's duration is a measurement.
 */
export const DEFAULT_IGNORES: readonly string[] = ['/accessToken', '/refreshToken', '/sessionId', '**/ts', 'SCRIPT_RESULT:/durationMs'];

export interface RuleOptions {
  readonly ignore?: readonly string[];
  /** Keep DEFAULT_IGNORES (default true). */
  readonly defaultIgnores?: boolean;
  /** Numbers anywhere may differ by this much (default 0). */
  readonly epsilon?: number;
  readonly tolerances?: readonly { readonly path: string; readonly epsilon: number }[];
  readonly unordered?: readonly string[];
  /** Push kinds left out of the comparison: "TYPE [NAME [from SOURCE]]" (see push-ignores.ts). */
  readonly ignorePushes?: readonly string[];
  readonly identity?: IdentityRules;
}

export interface ReplayRules {
  readonly matcher: PathMatcher;
  readonly epsilon: number;
  readonly identity: IdentityRules;
  /** The ignore rules in force, as written (defaults, the user's, and those the identity table implies). */
  readonly ignore: readonly string[];
  readonly tolerances: readonly { readonly path: string; readonly epsilon: number }[];
  readonly unordered: readonly string[];
  readonly pushIgnores: PushIgnores;
  /** The push ignore rules, as written. */
  readonly ignorePushes: readonly string[];
}

export function buildRules(o: RuleOptions = {}): ReplayRules {
  const identity = checkIdentityRules(o.identity ?? DEFAULT_IDENTITY_RULES);
  const epsilon = o.epsilon ?? 0;
  if (!Number.isFinite(epsilon) || epsilon < 0) throw new ReplayError('BAD_OPTION', `epsilon must be a number ≥ 0, got ${String(o.epsilon)}`);
  const ignore = [...new Set([...(o.defaultIgnores === false ? [] : DEFAULT_IGNORES), ...identityIgnores(identity), ...(o.ignore ?? [])])];
  const rules: PathRule[] = ignore.map((t) => parsePathRule(t, { kind: 'ignore' }));
  const tolerances = o.tolerances ?? [];
  for (const t of tolerances) {
    if (!Number.isFinite(t.epsilon) || t.epsilon < 0) throw new ReplayError('BAD_OPTION', `tolerance for "${t.path}" must be a number ≥ 0, got ${String(t.epsilon)}`);
    rules.push(parsePathRule(t.path, { kind: 'epsilon', epsilon: t.epsilon }));
  }
  const unordered = o.unordered ?? [];
  for (const u of unordered) rules.push(parsePathRule(u, { kind: 'unordered' }));
  const ignorePushes = [...new Set(o.ignorePushes ?? [])];
  const pushIgnores = new PushIgnores(ignorePushes);
  return { matcher: new PathMatcher(rules), epsilon, identity, ignore, tolerances, unordered, pushIgnores, ignorePushes };
}

/** "PATH=EPS" (command line) → a tolerance. */
export function parseTolerance(text: string): { path: string; epsilon: number } {
  const i = text.lastIndexOf('=');
  const epsilon = i > 0 ? Number(text.slice(i + 1)) : NaN;
  if (i <= 0 || !Number.isFinite(epsilon) || epsilon < 0) {
    throw new ReplayError('BAD_OPTION', `a tolerance is PATH=EPSILON (e.g. "/player/health=2" or "**/durationMs=50"), got "${text}"`);
  }
  return { path: text.slice(0, i), epsilon };
}

export function compareRules(rules: ReplayRules, translate?: (s: string) => string | undefined): CompareRules {
  return { matcher: rules.matcher, epsilon: rules.epsilon, ...(translate ? { translate } : {}) };
}
