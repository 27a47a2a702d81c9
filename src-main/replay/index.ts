/**
 * Replay for QA: captured UP/2.0 sessions played against a live server with
 * the answers compared (client replay), or a capture playing the server for
 * a live client (server replay). See docs/replay.md.
 */
export { runReplay, checkSpeed, type ReplayOptions, type RunProgress } from './runner';
export { ReplaySource, type SourceOptions } from './source';
export { buildScript, type SessionScript, type ScriptStep } from './script';
export { buildRules, parseTolerance, DEFAULT_IGNORES, type RuleOptions, type ReplayRules } from './rules';
export { DEFAULT_IDENTITY_RULES, type IdentityRules, type LearnRule, type UseRule } from './identity-rules';
export { IdentityMap } from './identity';
export { compareJson, equalUnder } from './compare';
export { alignStates } from './align';
export { formatReport } from './report-text';
export { toJUnit } from './junit';
export { ProgressPrinter } from './progress';
export { ReplayError, type ReplayErrorCode } from './errors';
export { MockServer, type MockServerOptions } from './serve/mock-server';
export type { MockReport, MockClientReport } from './serve/types';
