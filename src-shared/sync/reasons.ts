/**
 * Why a client op was not applied: `"<CODE>: <detail>"` in the `reason` of
 * a GAME_STATE_UPDATE acknowledgement's `rejected` entries. Peers act on the
 * code; people read the detail.
 */
export const RejectCode = {
  /** The path is not client-owned, or the stamp claims another peer's node. */
  FORBIDDEN: 'FORBIDDEN',
  /** A concurrent server op won the conflict. */
  CONFLICT: 'CONFLICT',
  /** The op does not apply to the server's state (missing path, bad index, limits, …). */
  INVALID: 'INVALID',
  /** `from` is older than the server's history: catch up, then send again. */
  STALE: 'STALE',
  /** `from` is ahead of the server's version: resynchronise with a snapshot, then send again. */
  BAD_VERSION: 'BAD_VERSION',
  /** The op was applied before (a resend after a resume): its effect is already in the server's log. */
  DUPLICATE: 'DUPLICATE',
  /** More ops than one update may carry. */
  LIMIT: 'LIMIT',
  /** The stamp's wall clock is too far in the future. */
  CLOCK: 'CLOCK',
} as const;
export type RejectCode = (typeof RejectCode)[keyof typeof RejectCode];

const CODES: ReadonlySet<string> = new Set(Object.values(RejectCode));

export function reject(code: RejectCode, detail: string): string {
  return `${code}: ${detail}`;
}

/** The code of a reason, or null for a reason from a peer that does not use codes. */
export function rejectCode(reason: string): RejectCode | null {
  const i = reason.indexOf(':');
  const code = i > 0 ? reason.slice(0, i) : reason;
  return CODES.has(code) ? (code as RejectCode) : null;
}

/** Codes after which the op should be sent again once the client has caught up. */
export function isRetryable(code: RejectCode | null): boolean {
  return code === RejectCode.STALE || code === RejectCode.BAD_VERSION;
}
