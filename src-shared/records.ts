/**
 * What the proxy, captures, replay and every UI say about one message on the
 * wire, whatever the dialect (UP/2.0, the OT game protocol).
 */

/** c2s: client → server; s2c: server → client. */
export type Dir = 'c2s' | 's2c';

/** The row a UI shows and the filter language evaluates: no body. */
export interface MessageSummary {
  /** Unique within a proxy run or a capture, increasing in arrival order. */
  readonly id: number;
  /** Proxy session number (one client connection). */
  readonly session: number;
  readonly dir: Dir;
  /** Arrival time, ms since the epoch (fractional: µs resolution). */
  readonly time: number;
  /** Dialect that decoded it: 'up2', 'otgame'. */
  readonly dialect: string;
  /** Message type name ('PLAYER_MOVE', 'ping', …) or UNKNOWN_0x.. */
  readonly type: string;
  /** Numeric type or opcode. */
  readonly code: number;
  readonly seq: number | null;
  readonly ref: number | null;
  /** Named flags: RESPONSE, ENCRYPTED, COMPRESSED, P0..P3 (priority), … */
  readonly flags: readonly string[];
  /** Bytes on the wire, header included. */
  readonly wireSize: number;
  /** Body bytes after decryption and decompression (0 when unknown). */
  readonly bodySize: number;
  /** For a response: ms since its request. */
  readonly latencyMs?: number;
  /** id of the request this answers, or of the response that answered it. */
  readonly pairId?: number;
  /** Decode problem: "CODE: detail". The message was still forwarded unless a fault dropped it. */
  readonly error?: string;
  /** Faults the proxy applied to this message ('latency 120ms', 'drop', …). */
  readonly faults?: readonly string[];
}

/** A summary with its contents, kept by the proxy and written to captures. */
export interface MessageRecord extends MessageSummary {
  /** The decoded body (UP/2.0: the JSON object; OT: decoded fields), when decodable. */
  readonly body?: unknown;
  /** The frame as it crossed the wire. */
  readonly wire?: Uint8Array;
  /** The decoded body bytes (UTF-8 JSON for UP/2.0; the decrypted message for OT). */
  readonly plain?: Uint8Array;
}
