/** Sandboxed Lua 5.4 for SCRIPT_EXECUTE: see runner.ts and docs/scripting.md. */
export {
  createScriptRunner,
  ScriptRunnerBusyError,
  ScriptRunnerClosedError,
  type ScriptRequest,
  type ScriptRunner,
  type ScriptRunnerOptions,
} from './runner';
export { isScriptError, type ScriptError, type ScriptErrorKind, type ScriptOutcome, type ScriptResult } from './outcome';
export { DEFAULT_LIMITS, type ScriptLimits } from './limits';
