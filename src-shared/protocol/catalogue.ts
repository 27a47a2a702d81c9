/**
 * The message catalogue of spec §5: every type with its code, name, sender,
 * role, and the schema of its body when sent as a request/push and when sent
 * as a RESPONSE. The decoder validates every body against it.
 */
import { ERROR_CODES } from './errors';
import {
  any,
  anyObject,
  array,
  b64url,
  boolean,
  id,
  integer,
  jsonPointer,
  literal,
  number,
  object,
  oneOf,
  optional,
  sha256Hex,
  string,
  union,
  uuid,
  validate,
  type Infer,
  type Schema,
} from './schema';
import { PROTOCOL_NAME } from './constants';

export const DIRECTIONS_8 = ['n', 'ne', 'e', 'se', 's', 'sw', 'w', 'nw'] as const;
export const SCOPES = ['player', 'admin', 'qa'] as const;

// ---- shared pieces -------------------------------------------------------

export const hlcStamp = object({ wall: integer({ min: 0 }), counter: integer({ min: 0 }), node: string({ max: 256 }) });
export type HlcStamp = Infer<typeof hlcStamp>;

const addOrReplace = object({ op: oneOf(['add', 'replace'] as const), path: jsonPointer, value: any, ts: hlcStamp });
const removeOp = object({ op: literal('remove'), path: jsonPointer, ts: hlcStamp });
export const patchOp = union('an add, remove or replace op', [addOrReplace, removeOp] as const);
export type PatchOp =
  | { op: 'add' | 'replace'; path: string; value: unknown; ts: HlcStamp }
  | { op: 'remove'; path: string; ts: HlcStamp };

const position = object({ x: integer(), y: integer(), z: integer({ min: 0, max: 15 }) });
const stateBatch = object({
  from: integer({ min: 0 }),
  to: integer({ min: 0 }),
  ops: array(patchOp as Schema<PatchOp>),
});
const stateAck = object({
  version: integer({ min: 0 }),
  applied: integer({ min: 0 }),
  rejected: array(object({ path: string(), reason: string(), index: optional(integer({ min: 0 })) })),
});
const stateSync = object({ version: integer({ min: 0 }), state: anyObject });

const loginResult = object({
  ok: literal(true),
  accountId: id,
  playerId: id,
  scope: array(oneOf(SCOPES)),
  accessToken: string({ min: 1 }),
  refreshToken: string({ min: 1 }),
  expiresIn: integer({ min: 0 }),
  stateVersion: optional(integer({ min: 0 })),
});

// ---- the catalogue --------------------------------------------------------

export type Sender = 'client' | 'server' | 'either';

export interface MessageDef<Req = unknown, Res = unknown> {
  readonly code: number;
  readonly name: string;
  readonly sender: Sender;
  /** Body when the frame is not a RESPONSE (request or push); undefined when the type is only ever a response. */
  readonly body?: Schema<Req>;
  /** Body when the frame is a RESPONSE; undefined when the type never is one. */
  readonly responseBody?: Schema<Res>;
  /** True when a frame of this type (not RESPONSE) expects an answer. */
  readonly isRequest: boolean;
  /** Types that may answer it (RESPONSE frames with ref = its seq), ERROR aside. */
  readonly answeredBy: readonly string[];
  /** How we read the spec for this type where it is silent or inconsistent (docs/protocol.md). */
  readonly note?: string;
  /** One example body per role, for docs and tests. */
  readonly example: { readonly body?: unknown; readonly response?: unknown };
}

const def = <Req, Res>(d: MessageDef<Req, Res>): MessageDef<Req, Res> => d;

export const Messages = {
  AUTH_LOGIN: def({
    code: 0x01,
    name: 'AUTH_LOGIN',
    sender: 'client',
    isRequest: true,
    answeredBy: ['AUTH_LOGIN'],
    body: union('account and password, a refreshToken, or an accessToken', [
      object({ account: string({ min: 1, max: 256 }), password: string({ max: 1024 }) }),
      object({ refreshToken: string({ min: 1, max: 512 }) }),
      object({ accessToken: string({ min: 1, max: 8192 }), stateVersion: optional(integer({ min: 0 })) }),
    ] as const),
    responseBody: loginResult,
    example: {
      body: { account: 'demo', password: 'demo' },
      response: {
        ok: true,
        accountId: 'acc-1',
        playerId: 'p-1',
        scope: ['player'],
        accessToken: 'eyJhbGciOiJFZERTQSJ9…',
        refreshToken: 'q3x…',
        expiresIn: 3600,
      },
    },
  }),
  AUTH_LOGOUT: def({
    code: 0x02,
    name: 'AUTH_LOGOUT',
    sender: 'client',
    isRequest: true,
    answeredBy: ['AUTH_LOGOUT'],
    body: anyObject,
    responseBody: object({ ok: literal(true) }),
    example: { body: {}, response: { ok: true } },
  }),
  AUTH_REFRESH: def({
    code: 0x03,
    name: 'AUTH_REFRESH',
    sender: 'client',
    isRequest: true,
    answeredBy: ['AUTH_REFRESH'],
    body: object({ refreshToken: string({ min: 1, max: 512 }) }),
    responseBody: object({ accessToken: string({ min: 1 }), refreshToken: string({ min: 1 }), expiresIn: integer({ min: 0 }) }),
    example: { body: { refreshToken: 'q3x…' }, response: { accessToken: 'eyJ…', refreshToken: 'Zt9…', expiresIn: 3600 } },
  }),
  HANDSHAKE: def({
    code: 0x04,
    name: 'HANDSHAKE',
    sender: 'client',
    isRequest: true,
    answeredBy: ['HANDSHAKE'],
    body: object({
      protocol: literal(PROTOCOL_NAME),
      clientKey: b64url(32),
      clientNonce: b64url(16),
      encryption: oneOf(['aes-256-gcm', 'none'] as const),
      compression: optional(array(string({ max: 32 }), { max: 16 })),
    }),
    responseBody: object({
      protocol: literal(PROTOCOL_NAME),
      sessionId: uuid,
      serverKey: b64url(32),
      serverNonce: b64url(16),
      identityKey: b64url(32),
      signature: b64url(64),
      encryption: oneOf(['aes-256-gcm', 'none'] as const),
      maxPayload: integer({ min: 1024, max: 16_777_216 }),
      syncIntervalMs: integer({ min: 1 }),
      batchSize: integer({ min: 1 }),
    }),
    example: {
      body: {
        protocol: 'UP/2.0',
        clientKey: 'pOCSkrZRwni5dyxWn1-puxPZBrRqtoyd-dwrRAn4ogk',
        clientNonce: 'BAQEBAQEBAQEBAQEBAQEBA',
        encryption: 'aes-256-gcm',
        compression: ['lz4'],
      },
      response: {
        protocol: 'UP/2.0',
        sessionId: '7f1c2f7e-2c59-4b0e-9a4e-0d1f3c5a7b99',
        serverKey: 'zo060cy2M-x7cMF4FKXHbs0CloUFDTRHRboFhw5YfVk',
        serverNonce: 'BQUFBQUFBQUFBQUFBQUFBQ',
        identityKey: '7UkoxijRwsbq6QM4kFmVYSlZJzpcY_k2NsFGFKyHN9E',
        signature: 'vTYG2sJjx6Cb2jAj7Wl-q5IOFigadLxb8YSUPn-VI2WS3eWjjU6xzdFAjbJ0mT0tUKBCYSUTEnxMQI3_yQTBCw',
        encryption: 'aes-256-gcm',
        maxPayload: 1048576,
        syncIntervalMs: 100,
        batchSize: 50,
      },
    },
  }),
  HEARTBEAT: def({
    code: 0x05,
    name: 'HEARTBEAT',
    note: 'Either side sends one after 10 000 ms without sending anything; the answer echoes `t`, so the sender measures the round trip.',
    sender: 'either',
    isRequest: true,
    answeredBy: ['HEARTBEAT'],
    body: object({ t: number() }),
    responseBody: object({ t: number() }),
    example: { body: { t: 1700000000000 }, response: { t: 1700000000000 } },
  }),
  GAME_STATE_SYNC: def({
    code: 0x10,
    name: 'GAME_STATE_SYNC',
    note: 'A full snapshot: pushed by the server (after login, or when a client has fallen too far behind), or sent as the RESPONSE to a GAME_STATE_REQUEST.',
    sender: 'server',
    isRequest: false,
    answeredBy: [],
    body: stateSync,
    responseBody: stateSync,
    example: {
      body: { version: 3, state: { player: { position: { x: 100, y: 100, z: 7 }, health: 150 }, world: {}, ui: {} } },
    },
  }),
  GAME_STATE_UPDATE: def({
    code: 0x11,
    name: 'GAME_STATE_UPDATE',
    note: 'The server pushes batches (no answer expected). A client sends a batch for the paths it owns (`ui`) as a request, with `from` = `to` = its current server version, and the server answers with an acknowledgement `{version, applied, rejected}`. A GAME_STATE_UPDATE RESPONSE to a GAME_STATE_REQUEST carries a batch `{from, to, ops}` of the updates missed instead. The decoder accepts either shape in a RESPONSE.',
    sender: 'either',
    // A client's update is a request; a server's is a push (see docs/protocol.md).
    isRequest: true,
    answeredBy: ['GAME_STATE_UPDATE'],
    body: stateBatch,
    // Acknowledgement of a client update, or (answering GAME_STATE_REQUEST) a batch of missed updates.
    responseBody: union('an acknowledgement or a batch', [stateAck, stateBatch] as const),
    example: {
      body: {
        from: 12,
        to: 13,
        ops: [{ op: 'replace', path: '/player/position/x', value: 101, ts: { wall: 1700000000000, counter: 0, node: 'server' } }],
      },
      response: { version: 12, applied: 1, rejected: [] },
    },
  }),
  GAME_STATE_REQUEST: def({
    code: 0x12,
    name: 'GAME_STATE_REQUEST',
    note: 'Answered by a GAME_STATE_SYNC RESPONSE (a snapshot) or a GAME_STATE_UPDATE RESPONSE carrying a batch `{from, to, ops}` of the updates since `since`.',
    sender: 'client',
    isRequest: true,
    answeredBy: ['GAME_STATE_SYNC', 'GAME_STATE_UPDATE'],
    body: object({ since: optional(integer({ min: 0 })), paths: optional(array(jsonPointer, { max: 256 })) }),
    example: { body: { since: 12 } },
  }),
  PLAYER_MOVE: def({
    code: 0x20,
    name: 'PLAYER_MOVE',
    sender: 'client',
    isRequest: false,
    answeredBy: [],
    body: union('a direction or a destination', [object({ direction: oneOf(DIRECTIONS_8) }), object({ to: position })] as const),
    example: { body: { direction: 'ne' } },
  }),
  PLAYER_ACTION: def({
    code: 0x21,
    name: 'PLAYER_ACTION',
    sender: 'client',
    isRequest: false,
    answeredBy: [],
    body: object({ action: string({ min: 1, max: 256 }), args: optional(anyObject) }),
    example: { body: { action: 'use_item', args: { slot: 'backpack', index: 2 } } },
  }),
  PLAYER_INTERACT: def({
    code: 0x22,
    name: 'PLAYER_INTERACT',
    sender: 'client',
    isRequest: false,
    answeredBy: [],
    body: object({
      target: string({ min: 1, max: 256 }),
      kind: oneOf(['look', 'use', 'attack', 'talk', 'trade'] as const),
      args: optional(anyObject),
    }),
    example: { body: { target: 'c12', kind: 'look' } },
  }),
  EVENT_TRIGGER: def({
    code: 0x30,
    name: 'EVENT_TRIGGER',
    sender: 'client',
    isRequest: true,
    answeredBy: ['EVENT_RESPONSE'],
    body: object({
      id: uuid,
      name: string({ min: 1, max: 256 }),
      scope: oneOf(['remote', 'broadcast', 'targeted'] as const),
      targets: optional(array(id, { max: 1000 })),
      data: optional(any),
    }),
    example: {
      body: { id: '0b6f1c1e-3c8f-4d7a-9a51-2f0d3c4e5a61', name: 'party.invite', scope: 'targeted', targets: ['p-2'], data: {} },
    },
  }),
  EVENT_RESPONSE: def({
    code: 0x31,
    name: 'EVENT_RESPONSE',
    sender: 'server',
    isRequest: false,
    answeredBy: [],
    responseBody: object({ id: uuid, ok: boolean, data: optional(any), error: optional(string()) }),
    example: { response: { id: '0b6f1c1e-3c8f-4d7a-9a51-2f0d3c4e5a61', ok: true } },
  }),
  EVENT_BROADCAST: def({
    code: 0x32,
    name: 'EVENT_BROADCAST',
    sender: 'server',
    isRequest: false,
    answeredBy: [],
    body: object({ id: uuid, name: string({ min: 1 }), source: id, data: optional(any), ts: number() }),
    example: {
      body: { id: '0b6f1c1e-3c8f-4d7a-9a51-2f0d3c4e5a61', name: 'party.invite', source: 'p-1', data: {}, ts: 1700000000000 },
    },
  }),
  RESOURCE_REQUEST: def({
    code: 0x40,
    name: 'RESOURCE_REQUEST',
    sender: 'client',
    isRequest: true,
    answeredBy: ['RESOURCE_RESPONSE'],
    body: object({ name: string({ min: 1, max: 1024 }), offset: optional(integer({ min: 0 })), ifNoneMatch: optional(sha256Hex) }),
    example: { body: { name: 'sprites.bin', offset: 0 } },
  }),
  RESOURCE_RESPONSE: def({
    code: 0x41,
    name: 'RESOURCE_RESPONSE',
    note: "A chunk body of more than 1024 bytes is compressed like any other (the spec vector's note says otherwise, its frame and spec §3 say so: we follow the frame).",
    sender: 'server',
    isRequest: false,
    answeredBy: [],
    responseBody: union('a chunk or notModified', [
      object({
        name: string(),
        sha256: sha256Hex,
        size: integer({ min: 0 }),
        offset: integer({ min: 0 }),
        data: string({ pattern: /^[A-Za-z0-9+/]*={0,2}$/, expected: 'base64' }),
        done: boolean,
      }),
      object({ name: string(), notModified: literal(true) }),
    ] as const),
    example: {
      response: {
        name: 'sprites.bin',
        sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
        size: 4,
        offset: 0,
        data: 'dGVzdA==',
        done: true,
      },
    },
  }),
  RESOURCE_UPDATE: def({
    code: 0x42,
    name: 'RESOURCE_UPDATE',
    sender: 'server',
    isRequest: false,
    answeredBy: [],
    body: object({ name: string({ min: 1 }), sha256: sha256Hex, size: integer({ min: 0 }) }),
    example: { body: { name: 'sprites.bin', sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', size: 4 } },
  }),
  SCRIPT_EXECUTE: def({
    code: 0x50,
    name: 'SCRIPT_EXECUTE',
    sender: 'client',
    isRequest: true,
    answeredBy: ['SCRIPT_RESULT', 'SCRIPT_ERROR'],
    body: object({
      language: literal('lua'),
      source: string({ max: 262_144 }),
      args: optional(anyObject),
      timeoutMs: optional(integer({ min: 1, max: 60_000 })),
    }),
    example: { body: { language: 'lua', source: 'return #world.creatures', timeoutMs: 500 } },
  }),
  SCRIPT_RESULT: def({
    code: 0x51,
    name: 'SCRIPT_RESULT',
    sender: 'server',
    isRequest: false,
    answeredBy: [],
    responseBody: object({ result: any, output: array(string()), durationMs: number() }),
    example: { response: { result: 60, output: ['counted'], durationMs: 1.8 } },
  }),
  SCRIPT_ERROR: def({
    code: 0x52,
    name: 'SCRIPT_ERROR',
    sender: 'server',
    isRequest: false,
    answeredBy: [],
    responseBody: object({
      kind: oneOf(['syntax', 'runtime', 'timeout', 'memory', 'forbidden'] as const),
      message: string(),
      traceback: optional(string()),
    }),
    example: { response: { kind: 'timeout', message: 'script ran for more than 500 ms' } },
  }),
  ERROR: def({
    code: 0x7f,
    name: 'ERROR',
    note: "Sent as a RESPONSE (ref = the offending request's seq) when it answers a request, else as a push with ref 0. After a fatal code the sender closes the connection.",
    sender: 'either',
    isRequest: false,
    answeredBy: [],
    body: object({ code: oneOf(ERROR_CODES), message: string(), fatal: boolean }),
    responseBody: object({ code: oneOf(ERROR_CODES), message: string(), fatal: boolean }),
    example: { body: { code: 'NOT_FOUND', message: 'no such resource', fatal: false } },
  }),
} as const;

export type MessageName = keyof typeof Messages;
type Defs = typeof Messages;

/** Body type of a message sent as a request or push. */
export type BodyOf<N extends MessageName> = Defs[N] extends MessageDef<infer Req, unknown> ? Req : never;
/** Body type of a message sent as a RESPONSE. */
export type ResponseOf<N extends MessageName> = Defs[N] extends MessageDef<unknown, infer Res> ? Res : never;

export const MessageType = Object.fromEntries(Object.values(Messages).map((d) => [d.name, d.code])) as {
  readonly [N in MessageName]: Defs[N]['code'];
};

const byCode: (MessageDef | undefined)[] = new Array(256).fill(undefined);
for (const d of Object.values(Messages) as MessageDef[]) byCode[d.code] = d;

export function messageByCode(code: number): MessageDef | undefined {
  return byCode[code];
}

export function typeName(code: number): string {
  return byCode[code]?.name ?? `UNKNOWN_0x${code.toString(16).padStart(2, '0')}`;
}

export const ALL_MESSAGES: readonly MessageDef[] = Object.values(Messages) as MessageDef[];

/**
 * Validates a parsed body for its type and role; returns null or a message
 * naming the type and the field.
 */
export function validateBody(def: MessageDef, response: boolean, body: unknown): string | null {
  const schema = response ? def.responseBody : def.body;
  if (!schema) {
    return response
      ? `${def.name} is never sent as a RESPONSE`
      : `${def.name} is only sent as a RESPONSE (set the RESPONSE flag and ref)`;
  }
  return validate(schema, body, def.name);
}

