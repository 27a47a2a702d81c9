/**
 * The traffic filter language: `type:PLAYER_MOVE dir:c2s size>1k latency>20ms
 * error session:3`. Main compiles a filter once per subscription and runs it
 * on every message; the renderer compiles it on each keystroke for inline
 * errors. Syntax and fields: docs/console.md and FILTER_HELP.
 */
import type { FilterError } from '../ipc/contract';
import type { MessageSummary } from '../records';
import { compileNode } from './compile';
import { FilterSyntaxError } from './error';
import { parse } from './parser';

export { FILTER_HELP, type FilterHelp } from './help';
export { FIELDS } from './fields';

/** Longer filters are refused: nobody types this much, and it bounds the work on hostile input. */
export const MAX_FILTER_LENGTH = 4096;

export type CompiledFilter =
  | { readonly ok: true; readonly match: (s: MessageSummary) => boolean; readonly describe: string }
  | { readonly ok: false; readonly error: FilterError };

/**
 * Compiles a filter. Never throws: a mistake comes back as a FilterError whose
 * span (`at`, `length`) lies inside the text. The empty filter matches all.
 */
export function compileFilter(text: string): CompiledFilter {
  if (typeof text !== 'string') return { ok: false, error: { message: 'the filter must be text', at: 0, length: 0 } };
  if (text.length > MAX_FILTER_LENGTH) {
    return {
      ok: false,
      error: { message: `the filter is longer than ${MAX_FILTER_LENGTH} characters`, at: MAX_FILTER_LENGTH, length: text.length - MAX_FILTER_LENGTH },
    };
  }
  try {
    const c = compileNode(parse(text));
    return { ok: true, match: c.test, describe: c.describe };
  } catch (e) {
    if (e instanceof FilterSyntaxError) return { ok: false, error: e.toFilterError() };
    // A bug of ours, not the user's: still an error value, never an exception in main's hot path.
    return { ok: false, error: { message: `could not read the filter: ${(e as Error).message}`, at: 0, length: text.length } };
  }
}
