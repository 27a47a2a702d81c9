/** Wire constants of UP/2.0 (spec §2, §3). */

export const MAGIC_0 = 0x55; // 'U'
export const MAGIC_1 = 0x50; // 'P'
export const PROTOCOL_VERSION = 0x02;
export const PROTOCOL_NAME = 'UP/2.0';
export const HEADER_SIZE = 18;

/** Default payload limit; a peer may configure up to {@link MAX_PAYLOAD_LIMIT}. */
export const DEFAULT_MAX_PAYLOAD = 1_048_576;
export const MAX_PAYLOAD_LIMIT = 16_777_216;
/** Largest declared decompressed size a receiver accepts, whatever its frame limit. */
export const MAX_DECOMPRESSED_SIZE = 16_777_216;
/** Bodies longer than this are tried with LZ4. */
export const COMPRESS_THRESHOLD = 1024;
export const GCM_TAG_SIZE = 16;
export const NONCE_SIZE = 12;

export const Flag = {
  COMPRESSED: 0x01,
  ENCRYPTED: 0x02,
  RESPONSE: 0x04,
  PRIORITY_MASK: 0x18,
  PRIORITY_SHIFT: 3,
  RESERVED_MASK: 0xe0,
} as const;

export const Priority = { CRITICAL: 0, HIGH: 1, NORMAL: 2, LOW: 3 } as const;
export type Priority = (typeof Priority)[keyof typeof Priority];
export const PRIORITY_NAMES = ['CRITICAL', 'HIGH', 'NORMAL', 'LOW'] as const;

/** Nonce direction field: 1 client→server, 2 server→client. */
export const Direction = { CLIENT_TO_SERVER: 1, SERVER_TO_CLIENT: 2 } as const;
export type Direction = (typeof Direction)[keyof typeof Direction];

/** Session timing from spec §1 and §4. */
export const Timing = {
  IDLE_TIMEOUT_MS: 30_000,
  HEARTBEAT_AFTER_MS: 10_000,
  RETRY_BACKOFF_MS: [250, 500, 1000] as readonly number[],
  RETRY_JITTER: 0.2,
  TOKEN_LIFETIME_S: 3600,
  REFRESH_AT_FRACTION: 0.8,
  SYNC_INTERVAL_MS: 100,
  BATCH_SIZE: 50,
  MAX_SESSIONS: 1000,
  MAX_LOGIN_FAILURES: 3,
} as const;

export const DEFAULT_PORTS = { server: 7180, proxy: 7181 } as const;
