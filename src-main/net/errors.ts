import type { ErrorCode } from '../../src-shared/protocol';

/** An ERROR the peer answered with (or sent as fatal). */
export class RemoteError extends Error {
  override readonly name = 'RemoteError';
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly fatal: boolean,
  ) {
    super(`${code}: ${detail}`);
  }
}

/** The connection ended (closed by either side, idle, fatal error) before an answer came. */
export class ConnectionClosedError extends Error {
  override readonly name = 'ConnectionClosedError';
  constructor(readonly reason: string) {
    super(`connection closed: ${reason}`);
  }
}

/** No answer within the request's timeout. */
export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
  constructor(
    readonly type: string,
    readonly ms: number,
  ) {
    super(`${type}: no response within ${ms} ms`);
  }
}
