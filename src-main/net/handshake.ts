/**
 * The handshake of spec §4.1 on a FramedConnection, for both sides. Keys are
 * installed synchronously when the handshake frame is handled, so a frame
 * that follows in the same TCP chunk (seq 2) is already decrypted with them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  MessageType,
  PROTOCOL_NAME,
  Timing,
  DEFAULT_MAX_PAYLOAD,
  bytesEqual,
  type BodyOf,
  type DecodedFrame,
  type ResponseOf,
} from '../../src-shared/protocol';
import type { FramedConnection } from './connection';
import {
  b64u,
  deriveSessionKeys,
  fingerprint,
  generateKeyPair,
  signTranscript,
  transcript,
  verifyTranscript,
  type KeyPair,
} from './keys';

export type Encryption = 'aes-256-gcm' | 'none';

export interface HandshakeResult {
  readonly sessionId: string;
  readonly identityKey: Uint8Array;
  readonly encryption: Encryption;
  /** The peer's payload limit. */
  readonly maxPayload: number;
  readonly syncIntervalMs: number;
  readonly batchSize: number;
}

export class IdentityMismatchError extends Error {
  override readonly name = 'IdentityMismatchError';
  constructor(
    readonly expected: string,
    readonly presented: string,
  ) {
    super(
      `server identity ${presented} does not match the pinned identity ${expected}: refusing to continue ` +
        '(if you are going through a debugging proxy, pin the proxy\'s identity instead)',
    );
  }
}

export class HandshakeError extends Error {
  override readonly name = 'HandshakeError';
}

/** How a client decides whether to trust the identity the server presents. */
export type IdentityPolicy =
  | { readonly pinned: Uint8Array }
  /** Accept any identity, reporting it (first contact, then pin it). */
  | { readonly trustOnFirstUse: true };

export interface ClientHandshakeOptions {
  readonly identity: IdentityPolicy;
  readonly encryption?: Encryption;
  readonly timeoutMs?: number;
}

/** The client's half of a handshake in progress: its ephemeral key and nonce. */
export interface ClientHello {
  readonly body: BodyOf<'HANDSHAKE'>;
  readonly ephemeral: KeyPair;
  readonly clientNonce: Uint8Array;
}

export function makeClientHello(encryption: Encryption = 'aes-256-gcm'): ClientHello {
  const ephemeral = generateKeyPair('x25519');
  const clientNonce = new Uint8Array(randomBytes(16));
  return {
    ephemeral,
    clientNonce,
    body: {
      protocol: PROTOCOL_NAME,
      clientKey: b64u.encode(ephemeral.publicRaw),
      clientNonce: b64u.encode(clientNonce),
      encryption,
      compression: ['lz4'],
    },
  };
}

export interface ClientHandshakeOutcome extends HandshakeResult {
  /** Keys to install: send with clientToServer, receive with serverToClient; null for "none". */
  readonly keys: { readonly clientToServer: Uint8Array; readonly serverToClient: Uint8Array } | null;
}

/**
 * Checks the server's answer against the identity policy and the transcript
 * signature, refuses a downgrade, and derives the keys.
 */
export function acceptServerHello(hello: ClientHello, r: ResponseOf<'HANDSHAKE'>, identity: IdentityPolicy): ClientHandshakeOutcome {
  const identityKey = b64u.decode(r.identityKey);
  if ('pinned' in identity && !bytesEqual(identityKey, identity.pinned)) {
    throw new IdentityMismatchError(fingerprint(identity.pinned), fingerprint(identityKey));
  }
  const serverKey = b64u.decode(r.serverKey);
  const serverNonce = b64u.decode(r.serverNonce);
  const t = transcript(hello.ephemeral.publicRaw, hello.clientNonce, serverKey, serverNonce, r.sessionId);
  if (!verifyTranscript(identityKey, t, b64u.decode(r.signature))) {
    throw new HandshakeError("the server's signature over the handshake transcript does not verify");
  }
  if (r.encryption === 'none' && hello.body.encryption !== 'none') {
    throw new HandshakeError('the server answered without encryption although the client asked for it (downgrade refused)');
  }
  const keys =
    r.encryption === 'aes-256-gcm' ? deriveSessionKeys(hello.ephemeral.privateKey, serverKey, hello.clientNonce, serverNonce) : null;
  return {
    keys,
    sessionId: r.sessionId,
    identityKey,
    encryption: r.encryption,
    maxPayload: r.maxPayload,
    syncIntervalMs: r.syncIntervalMs,
    batchSize: r.batchSize,
  };
}

export async function clientHandshake(conn: FramedConnection, opts: ClientHandshakeOptions): Promise<HandshakeResult> {
  const hello = makeClientHello(opts.encryption);
  let result: HandshakeResult | undefined;
  const onResponse = (f: DecodedFrame): void => {
    if (f.header.type !== MessageType.HANDSHAKE) throw new HandshakeError(`expected a HANDSHAKE response, got type ${f.header.type}`);
    const out = acceptServerHello(hello, f.body as ResponseOf<'HANDSHAKE'>, opts.identity);
    if (out.keys) conn.setKeys(out.keys.clientToServer, out.keys.serverToClient);
    conn.enableHeartbeats();
    result = out;
  };
  try {
    await conn.request(MessageType.HANDSHAKE, hello.body, { priority: 0, timeoutMs: opts.timeoutMs ?? 10_000, onResponse });
  } catch (e) {
    conn.destroy(`handshake failed: ${(e as Error).message}`);
    throw e;
  }
  return result!;
}

export interface ServerHandshakeOptions {
  readonly identity: KeyPair;
  /** Let a client that asks for "encryption": "none" have it (local debugging only). */
  readonly allowPlaintext?: boolean;
  readonly maxPayload?: number;
  readonly syncIntervalMs?: number;
  readonly batchSize?: number;
  /** Session id to hand out (default: a random UUID). */
  readonly sessionId?: string;
}

export interface ServerHelloOutcome {
  readonly response: ResponseOf<'HANDSHAKE'>;
  /** send with serverToClient, receive with clientToServer; null for "none". */
  readonly keys: { readonly clientToServer: Uint8Array; readonly serverToClient: Uint8Array } | null;
  readonly result: HandshakeResult;
}

/** Computes the answer to a client's HANDSHAKE body and the session keys (throws on a bad client key). */
export function makeServerHello(req: BodyOf<'HANDSHAKE'>, opts: ServerHandshakeOptions): ServerHelloOutcome {
  const eph = generateKeyPair('x25519');
  const serverNonce = new Uint8Array(randomBytes(16));
  const sessionId = opts.sessionId ?? randomUUID();
  const clientKey = b64u.decode(req.clientKey);
  const clientNonce = b64u.decode(req.clientNonce);
  const encryption: Encryption = req.encryption === 'none' && opts.allowPlaintext ? 'none' : 'aes-256-gcm';
  // Derive first: a bad client key fails here, before anything is sent.
  const keys = encryption === 'aes-256-gcm' ? deriveSessionKeys(eph.privateKey, clientKey, clientNonce, serverNonce) : null;
  const t = transcript(clientKey, clientNonce, eph.publicRaw, serverNonce, sessionId);
  const response: ResponseOf<'HANDSHAKE'> = {
    protocol: PROTOCOL_NAME,
    sessionId,
    serverKey: b64u.encode(eph.publicRaw),
    serverNonce: b64u.encode(serverNonce),
    identityKey: b64u.encode(opts.identity.publicRaw),
    signature: b64u.encode(signTranscript(opts.identity.privateKey, t)),
    encryption,
    maxPayload: opts.maxPayload ?? DEFAULT_MAX_PAYLOAD,
    syncIntervalMs: opts.syncIntervalMs ?? Timing.SYNC_INTERVAL_MS,
    batchSize: opts.batchSize ?? Timing.BATCH_SIZE,
  };
  return {
    response,
    keys,
    result: {
      sessionId,
      identityKey: opts.identity.publicRaw,
      encryption,
      maxPayload: DEFAULT_MAX_PAYLOAD,
      syncIntervalMs: response.syncIntervalMs,
      batchSize: response.batchSize,
    },
  };
}

/** Answers the client's HANDSHAKE (frame seq 1) and installs the keys. */
export function serverHandshake(conn: FramedConnection, frame: DecodedFrame, opts: ServerHandshakeOptions): HandshakeResult {
  const out = makeServerHello(frame.body as BodyOf<'HANDSHAKE'>, opts);
  conn.reply(frame, MessageType.HANDSHAKE, out.response, 0);
  if (out.keys) conn.setKeys(out.keys.serverToClient, out.keys.clientToServer);
  conn.enableHeartbeats();
  return out.result;
}
