/** Why a replay could not start or a session could not be replayed; the message names the file, session or option and what is wrong. */
export type ReplayErrorCode =
  | 'BAD_CAPTURE'
  | 'DAMAGED_CAPTURE'
  | 'NO_SESSIONS'
  | 'NO_SUCH_SESSION'
  | 'NO_LOGIN'
  | 'NOT_DECRYPTED'
  | 'UNSUPPORTED_DIALECT'
  | 'BAD_RULE'
  | 'BAD_OPTION'
  | 'NO_CREDENTIALS';

export class ReplayError extends Error {
  override readonly name = 'ReplayError';
  constructor(
    readonly code: ReplayErrorCode,
    message: string,
  ) {
    super(message);
  }
}
