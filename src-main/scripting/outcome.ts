/**
 * What one script run answers: exactly the body of SCRIPT_RESULT or of
 * SCRIPT_ERROR (spec §5), so the server sends it as it is.
 */
import { Messages, validateBody, type ResponseOf } from '../../src-shared/protocol';

/** SCRIPT_RESULT: `{result, output, durationMs}`. */
export type ScriptResult = ResponseOf<'SCRIPT_RESULT'>;
/** SCRIPT_ERROR: `{kind, message, traceback?}`. */
export type ScriptError = ResponseOf<'SCRIPT_ERROR'>;
export type ScriptErrorKind = ScriptError['kind'];
export type ScriptOutcome = ScriptResult | ScriptError;

/** True when the run failed: send SCRIPT_ERROR; else SCRIPT_RESULT. */
export function isScriptError(outcome: ScriptOutcome): outcome is ScriptError {
  return 'kind' in outcome;
}

export function scriptError(kind: ScriptErrorKind, message: string, traceback?: string): ScriptError {
  return traceback === undefined ? { kind, message } : { kind, message, traceback };
}

/** Why `outcome` is not a valid SCRIPT_RESULT / SCRIPT_ERROR body (catalogue schemas), or null. */
export function outcomeProblem(outcome: ScriptOutcome): string | null {
  return validateBody(isScriptError(outcome) ? Messages.SCRIPT_ERROR : Messages.SCRIPT_RESULT, true, outcome);
}
