/** The error codes of spec §6 and the codec's typed error. */

export const ERROR_CODES = [
  'BAD_MAGIC',
  'BAD_VERSION',
  'BAD_FLAGS',
  'FRAME_TOO_LARGE',
  'BAD_SEQUENCE',
  'UNKNOWN_TYPE',
  'DECRYPT_FAILED',
  'DECOMPRESS_FAILED',
  'BAD_PAYLOAD',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'TOKEN_EXPIRED',
  'SESSION_LIMIT',
  'RATE_LIMITED',
  'NOT_FOUND',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** After one of these the byte stream can no longer be trusted: send ERROR (fatal) and close. */
export const FATAL_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'BAD_MAGIC',
  'BAD_VERSION',
  'BAD_FLAGS',
  'FRAME_TOO_LARGE',
  'BAD_SEQUENCE',
  'DECRYPT_FAILED',
  'DECOMPRESS_FAILED',
]);

export function isFatal(code: ErrorCode): boolean {
  return FATAL_CODES.has(code);
}

/** Where in the frame an error was found, when the header could be read. */
export interface ErrorFrameInfo {
  readonly type: number;
  readonly seq: number;
  readonly ref: number;
  readonly flags: number;
}

/**
 * Every failure the codec reports. `fatal` follows spec §6; `frame` names the
 * frame when its header was readable, so a non-fatal error can be answered
 * with `ref` = that frame's seq.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly fatal: boolean;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly frame?: ErrorFrameInfo,
  ) {
    super(`${code}: ${message}`);
    this.fatal = FATAL_CODES.has(code);
  }
  /** The message without the code prefix, as carried in an ERROR body. */
  get detail(): string {
    return this.message.slice(this.code.length + 2);
  }
}
