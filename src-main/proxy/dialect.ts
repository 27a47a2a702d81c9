/**
 * What the proxy core needs from a protocol: how to cut each direction's
 * bytes into messages, name them, and turn each (possibly faulted) message
 * back into bytes for the other side. The core (session.ts, faults/,
 * metrics/, capture) never looks inside a message beyond this interface,
 * so UP/2.0 and the OT game protocol are two implementations of it.
 */
import type { Dir, MessageRecord, MessageSummary } from '../../src-shared/records';

export type { Dir };
export type ProxyMode = 'decrypt' | 'passthrough';

/** One message as a dialect decoded it from one direction's byte stream. */
export interface ProxyMessage {
  readonly dir: Dir;
  /** Type name ('PLAYER_MOVE', 'walk north', 'UNKNOWN_0x7a', 'RAW'). */
  readonly type: string;
  readonly code: number;
  readonly seq: number | null;
  readonly ref: number | null;
  readonly flags: readonly string[];
  /** The bytes exactly as received from the sender. */
  readonly wire: Uint8Array;
  /** The decoded message bytes (decrypted, decompressed), when the dialect could decode them. */
  readonly plain?: Uint8Array;
  /** Decoded fields or JSON body for people and the UI (secrets redacted). */
  readonly body?: unknown;
  /**
   * The body is exactly what the dialect's reviveBody makes of `plain`: the
   * record store keeps the bytes and drops the object (rebuilt when asked).
   */
  readonly bodyFromPlain?: boolean;
  /** "CODE: detail" when the message could not be fully decoded; it is still forwarded. */
  readonly error?: string;
  /**
   * Set on a message that expects an answer: the answer carries the same key
   * in `answers`. Any key unique within the session; a number costs no
   * string per message (UP/2.0 uses seq × 2 + the direction bit).
   */
  readonly requestKey?: string | number;
  /** Set on an answer: the `requestKey` of the message it answers. */
  readonly answers?: string | number;
  /** false when the dialect consumed it (e.g. a handshake the proxy answered itself). */
  readonly forward: boolean;
  /** Dialect-private data for encode(). */
  readonly meta?: unknown;
}

/** Facts about a session for the UI and the capture's session block. */
export interface SessionFacts {
  [key: string]: unknown;
}

/** What the core offers a dialect session. */
export interface DialectContext {
  readonly mode: ProxyMode;
  /**
   * Queue bytes toward one side, after everything already queued for it
   * (dir = direction of travel). A function is called when the bytes are
   * due, so a dialect that numbers its frames can number them in send order.
   */
  inject(dir: Dir, bytes: Uint8Array | (() => Uint8Array | null), note: string): void;
  /** A message the dialect produced itself (e.g. the proxy's own handshake), for records and captures. */
  observe(msg: ProxyMessage): void;
  /** New or updated facts about the session (merged). */
  facts(f: SessionFacts): void;
  /** The dialect cannot go on with this session (e.g. the client failed authentication): close both sides. */
  abort(reason: string): void;
}

export interface DialectSession {
  /**
   * Bytes from the sender of `dir`; returns the messages completed by them,
   * in order. Never throws on bad input: problems are flagged on messages.
   */
  decode(dir: Dir, chunk: Uint8Array): ProxyMessage[];
  /**
   * The bytes to send on for a message (after faults). Passthrough returns
   * `msg.wire`; a decrypting dialect re-encodes. A promise is awaited in
   * order (the core keeps each direction FIFO), e.g. while the upstream
   * handshake is still running. null: nothing to send.
   */
  encode(msg: ProxyMessage): Uint8Array | null | Promise<Uint8Array | null>;
  /** Bytes that alter what `msg` carries, for the corrupt-body fault; undefined when the dialect cannot. */
  corruptBody?(msg: ProxyMessage, offset: number): ProxyMessage | undefined;
  /** Ends the session's access early (the token-expiry fault); false when the dialect cannot. */
  expireSession?(): boolean;
  /** Bytes of the message as a capture PDU (the dialect's dissector reads them). */
  pdu(msg: ProxyMessage): Uint8Array;
  close(): void;
}

export interface Dialect {
  /** 'up2', 'otgame' — also the capture's dissector name. */
  readonly name: string;
  readonly description: string;
  /** Called when a client connects; the upstream connection is being opened at the same time. */
  createSession(ctx: DialectContext): DialectSession;
  /**
   * The body of a message marked `bodyFromPlain`, rebuilt from its
   * plaintext (with the same redaction), for records read back from the
   * proxy's compact in-memory store.
   */
  reviveBody?(summary: MessageSummary, plain: Uint8Array): unknown;
  /**
   * True when a record's capture PDU (what DialectSession.pdu makes of its
   * message) is the record's own plaintext under its received header, the
   * ENCRYPTED and COMPRESSED flags cleared: the capture writer then writes
   * it in place from the record, instead of the PDU being built (one copy)
   * and then copied into the capture (a second).
   */
  capturesPlainFrame?(record: MessageRecord): boolean;
}
