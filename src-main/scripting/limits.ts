/**
 * The limits every script runs under, with their defaults. The runner takes
 * them once (createScriptRunner options); a request may only choose its own
 * time limit, within `maxTimeoutMs`.
 */

export interface ScriptLimits {
  /** Time limit when a request names none. */
  readonly defaultTimeoutMs: number;
  /** Largest time limit a request may ask for (SCRIPT_EXECUTE allows up to 60 000). */
  readonly maxTimeoutMs: number;
  /**
   * Time to build `world` and `args` in Lua and compile the source, before
   * the script's own clock starts. Only a huge world comes near it.
   */
  readonly setupTimeoutMs: number;
  /** Bytes the script may allocate in Lua, beyond what `world` and `args` take. */
  readonly memoryLimitBytes: number;
  /**
   * V8 heap of each worker thread (MB): the backstop for what the Lua limit
   * does not see (the worker's own JavaScript: world JSON, the outcome).
   */
  readonly workerHeapMb: number;
  /** Longest accepted source, in characters (the catalogue's SCRIPT_EXECUTE limit). */
  readonly maxSourceChars: number;
  /** Largest `world` accepted, in characters of JSON. */
  readonly maxWorldChars: number;
  /** Deepest `world` or `args` accepted (levels of arrays/objects). */
  readonly maxInputDepth: number;
  /** `print` calls kept; later ones are counted and reported in one last line. */
  readonly maxOutputLines: number;
  /** Longest kept line, in bytes; longer ones are cut (at a character boundary) and marked. */
  readonly maxOutputLineBytes: number;
  /** All kept lines together, in bytes of JSON. */
  readonly maxOutputBytes: number;
  /** The returned value, in bytes of JSON. */
  readonly maxResultBytes: number;
  /** Deepest returned value (levels of tables). */
  readonly maxResultDepth: number;
  /** Longest error message and traceback sent back, in bytes each. */
  readonly maxMessageBytes: number;
}

/**
 * Output, result and messages together stay under 800 KiB of JSON, so an
 * answer fits the default 1 MiB UP/2.0 payload limit with room to spare.
 */
export const DEFAULT_LIMITS: ScriptLimits = {
  defaultTimeoutMs: 1000,
  maxTimeoutMs: 60_000,
  setupTimeoutMs: 10_000,
  memoryLimitBytes: 64 * 1024 * 1024,
  workerHeapMb: 256,
  maxSourceChars: 262_144,
  maxWorldChars: 32 * 1024 * 1024,
  maxInputDepth: 200,
  maxOutputLines: 1000,
  maxOutputLineBytes: 4096,
  maxOutputBytes: 256 * 1024,
  maxResultBytes: 512 * 1024,
  maxResultDepth: 64,
  maxMessageBytes: 8192,
};

/** A request's time limit: its own when given (clamped to 1..max), else the default. */
export function effectiveTimeout(requested: number | undefined, limits: ScriptLimits): number {
  if (requested === undefined || !Number.isFinite(requested)) return limits.defaultTimeoutMs;
  return Math.min(limits.maxTimeoutMs, Math.max(1, Math.floor(requested)));
}
