/** Why a capture could not be opened, written or imported; the message names the file and what is wrong with it. */
export type CaptureErrorCode =
  | 'NOT_FOUND'
  | 'EXISTS'
  | 'NOT_PCAPNG'
  | 'WRONG_LINK_TYPE'
  | 'BAD_HEADER'
  | 'NOT_NDJSON'
  | 'BAD_NDJSON'
  | 'WRITE_FAILED'
  | 'CLOSED';

export class CaptureError extends Error {
  override readonly name = 'CaptureError';
  constructor(
    readonly code: CaptureErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Something wrong inside a capture that the reader stepped over: reported, never thrown. */
export interface CaptureWarning {
  readonly kind: 'truncated' | 'corrupt' | 'skipped-block' | 'unsupported-section' | 'missing-part' | 'index';
  /** Part file path. */
  readonly file: string;
  /** Byte offset in that file, when there is one. */
  readonly offset?: number;
  readonly message: string;
}
