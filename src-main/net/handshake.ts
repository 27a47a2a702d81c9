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

export async function clientHandshake(conn: FramedConnection, opts: ClientHandshakeOptions): Promise<HandshakeResult> {
  const eph = generateKeyPair('x25519');
  const clientNonce = new Uint8Array(randomBytes(16));
  const asked: Encryption = opts.encryption ?? 'aes-256-gcm';
  let result: HandshakeResult | undefined;
  const body: BodyOf<'HANDSHAKE'> = {
    protocol: PROTOCOL_NAME,
    clientKey: b64u.encode(eph.publicRaw),
    clientNonce: b64u.encode(clientNonce),
    encryption: asked,
    compression: ['lz4'],
  };
  const onResponse = (f: DecodedFrame): void => {
    const r = f.body as ResponseOf<'HANDSHAKE'>;
    if (f.header.type !== MessageType.HANDSHAKE) throw new HandshakeError(`expected a HANDSHAKE response, got type ${f.header.type}`);
    const identityKey = b64u.decode(r.identityKey);
    if ('pinned' in opts.identity && !bytesEqual(identityKey, opts.identity.pinned)) {
      throw new IdentityMismatchError(fingerprint(opts.identity.pinned), fingerprint(identityKey));
    }
    const serverKey = b64u.decode(r.serverKey);
    const serverNonce = b64u.decode(r.serverNonce);
    const t = transcript(eph.publicRaw, clientNonce, serverKey, serverNonce, r.sessionId);
    if (!verifyTranscript(identityKey, t, b64u.decode(r.signature))) {
      throw new HandshakeError('the server\'s signature over the handshake transcript does not verify');
    }
    if (r.encryption === 'none' && asked !== 'none') {
      throw new HandshakeError('the server answered without encryption although the client asked for it (downgrade refused)');
    }
    if (r.encryption === 'aes-256-gcm') {
      const keys = deriveSessionKeys(eph.privateKey, serverKey, clientNonce, serverNonce);
      conn.setKeys(keys.clientToServer, keys.serverToClient);
    }
    conn.enableHeartbeats();
    result = {
      sessionId: r.sessionId,
      identityKey,
      encryption: r.encryption,
      maxPayload: r.maxPayload,
      syncIntervalMs: r.syncIntervalMs,
      batchSize: r.batchSize,
    };
  };
  try {
    await conn.request(MessageType.HANDSHAKE, body, { priority: 0, timeoutMs: opts.timeoutMs ?? 10_000, onResponse });
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

/** Answers the client's HANDSHAKE (frame seq 1) and installs the keys. */
export function serverHandshake(conn: FramedConnection, frame: DecodedFrame, opts: ServerHandshakeOptions): HandshakeResult {
  const req = frame.body as BodyOf<'HANDSHAKE'>;
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
  conn.reply(frame, MessageType.HANDSHAKE, response, 0);
  if (keys) conn.setKeys(keys.serverToClient, keys.clientToServer);
  conn.enableHeartbeats();
  return {
    sessionId,
    identityKey: opts.identity.publicRaw,
    encryption,
    maxPayload: DEFAULT_MAX_PAYLOAD,
    syncIntervalMs: response.syncIntervalMs,
    batchSize: response.batchSize,
  };
}
