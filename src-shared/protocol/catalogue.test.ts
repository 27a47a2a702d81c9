import { describe, expect, it } from 'vitest';
import { ALL_MESSAGES, Messages, MessageType, messageByCode, typeName, validateBody, type MessageDef } from './catalogue';
import { ERROR_CODES } from './errors';

/** The spec §5 table: code, name, sender. */
const SPEC_TABLE: readonly [number, string, string][] = [
  [0x01, 'AUTH_LOGIN', 'client'],
  [0x02, 'AUTH_LOGOUT', 'client'],
  [0x03, 'AUTH_REFRESH', 'client'],
  [0x04, 'HANDSHAKE', 'client'],
  [0x05, 'HEARTBEAT', 'either'],
  [0x10, 'GAME_STATE_SYNC', 'server'],
  [0x11, 'GAME_STATE_UPDATE', 'either'],
  [0x12, 'GAME_STATE_REQUEST', 'client'],
  [0x20, 'PLAYER_MOVE', 'client'],
  [0x21, 'PLAYER_ACTION', 'client'],
  [0x22, 'PLAYER_INTERACT', 'client'],
  [0x30, 'EVENT_TRIGGER', 'client'],
  [0x31, 'EVENT_RESPONSE', 'server'],
  [0x32, 'EVENT_BROADCAST', 'server'],
  [0x40, 'RESOURCE_REQUEST', 'client'],
  [0x41, 'RESOURCE_RESPONSE', 'server'],
  [0x42, 'RESOURCE_UPDATE', 'server'],
  [0x50, 'SCRIPT_EXECUTE', 'client'],
  [0x51, 'SCRIPT_RESULT', 'server'],
  [0x52, 'SCRIPT_ERROR', 'server'],
  [0x7f, 'ERROR', 'either'],
];

const check = (name: keyof typeof Messages, body: unknown, response = false) => validateBody(Messages[name] as MessageDef, response, body);

describe('catalogue', () => {
  it('holds exactly the types of spec §5, with their codes, names and senders', () => {
    expect(ALL_MESSAGES.map((d) => [d.code, d.name, d.sender])).toEqual(SPEC_TABLE);
    for (const [code, name] of SPEC_TABLE) {
      expect(messageByCode(code)?.name).toBe(name);
      expect(MessageType[name as keyof typeof MessageType]).toBe(code);
      expect(typeName(code)).toBe(name);
    }
  });

  it('unknown codes have no definition and a printable name', () => {
    for (const code of [0x00, 0x06, 0x13, 0x7e, 0x80, 0xff]) {
      expect(messageByCode(code)).toBeUndefined();
      expect(typeName(code)).toBe(`UNKNOWN_0x${code.toString(16).padStart(2, '0')}`);
    }
  });

  it('every type can be sent in some role, and names only known answer types', () => {
    for (const d of ALL_MESSAGES) {
      expect(d.body ?? d.responseBody).toBeDefined();
      for (const a of d.answeredBy) expect(Messages[a as keyof typeof Messages]?.responseBody, `${d.name} answered by ${a}`).toBeDefined();
      if (d.isRequest) expect(d.body).toBeDefined();
    }
  });

  describe.each(ALL_MESSAGES.map((d) => [d.name, d] as const))('%s', (_name, d) => {
    it('its example bodies validate in their role, and only in it', () => {
      if (d.example.body !== undefined) expect(validateBody(d, false, d.example.body)).toBeNull();
      if (d.example.response !== undefined) expect(validateBody(d, true, d.example.response)).toBeNull();
      if (!d.body) expect(validateBody(d, false, d.example.response)).toMatch(new RegExp(`^${d.name} is only sent as a RESPONSE`));
      if (!d.responseBody) expect(validateBody(d, true, d.example.body)).toMatch(new RegExp(`^${d.name} is never sent as a RESPONSE`));
    });

    it('ignores unknown fields', () => {
      for (const [response, ex] of [
        [false, d.example.body],
        [true, d.example.response],
      ] as const) {
        if (ex === undefined) continue;
        expect(validateBody(d, response, { ...(ex as object), somethingNew: [1, 2, 3], __extra: { deep: true } })).toBeNull();
      }
    });

    it('a missing required field is named TYPE.field', () => {
      const [response, ex] = d.example.body !== undefined ? [false, d.example.body] : [true, d.example.response];
      const keys = Object.keys(ex as object);
      for (const k of keys) {
        const without = { ...(ex as Record<string, unknown>) };
        delete without[k];
        const problem = validateBody(d, response, without);
        // Optional fields may go; a required one must be named (or, for unions, its alternative listed).
        if (problem !== null) expect(problem).toMatch(new RegExp(`^${d.name}(\\.${k}: missing|: expected )`));
      }
    });
  });
});

describe('body validation messages', () => {
  it('names the type and field of a wrong enum value', () => {
    expect(check('PLAYER_MOVE', { direction: 'up' })).toBe('PLAYER_MOVE.direction: expected one of n, ne, e, se, s, sw, w, nw, got "up"');
    expect(check('PLAYER_INTERACT', { target: 'c1', kind: 'hug' })).toMatch(/^PLAYER_INTERACT\.kind: expected one of look, use, attack, talk, trade, got "hug"$/);
    expect(check('SCRIPT_ERROR', { kind: 'oops', message: 'x' }, true)).toMatch(/^SCRIPT_ERROR\.kind: expected one of syntax/);
  });

  it('names nested fields and array positions', () => {
    expect(check('PLAYER_MOVE', { to: { x: 1, y: 2, z: 16 } })).toBe('PLAYER_MOVE.to.z: expected an integer in 0..15, got 16');
    const op = { op: 'replace', path: '/player/health', value: 1, ts: { wall: 1, counter: 0, node: 's' } };
    expect(check('GAME_STATE_UPDATE', { from: 1, to: 2, ops: [op, { ...op, path: 'no-slash' }] })).toMatch(
      /^GAME_STATE_UPDATE\.ops\[1\]\.path: expected a JSON pointer, got "no-slash"$/,
    );
    expect(check('GAME_STATE_UPDATE', { from: 1, to: 2, ops: [{ ...op, ts: { wall: 1, counter: -1, node: 's' } }] })).toMatch(
      /^GAME_STATE_UPDATE\.ops\[0\]\.ts\.counter: expected an integer ≥ 0, got -1$/,
    );
  });

  it('names mistyped fields with what was found', () => {
    expect(check('HEARTBEAT', { t: '123' })).toBe('HEARTBEAT.t: expected a number, got "123"');
    expect(check('HEARTBEAT', { t: null })).toBe('HEARTBEAT.t: expected a number, got null');
    expect(check('GAME_STATE_SYNC', { version: 1.5, state: {} })).toMatch(/^GAME_STATE_SYNC\.version: expected an integer/);
    expect(check('GAME_STATE_SYNC', { version: 1, state: [] })).toBe('GAME_STATE_SYNC.state: expected an object, got an array');
    expect(check('ERROR', { code: 'NOPE', message: 'x', fatal: false })).toMatch(/^ERROR\.code: expected one of BAD_MAGIC/);
    expect(check('EVENT_TRIGGER', { id: 'not-a-uuid', name: 'x', scope: 'remote' })).toMatch(/^EVENT_TRIGGER\.id: expected a UUID/);
    expect(check('HEARTBEAT', { t: 'x'.repeat(1000) })).toMatch(/got "x{37}\.\.\."$/); // long values are cut in messages
  });

  it('a union names the field of the alternative the body aims at, or lists both', () => {
    expect(check('AUTH_LOGIN', { account: 'demo' })).toBe('AUTH_LOGIN.password: missing (expected a string)');
    expect(check('AUTH_LOGIN', {})).toMatch(/^AUTH_LOGIN: expected account and password, a refreshToken, or an accessToken \(/);
    expect(check('PLAYER_MOVE', {})).toMatch(/direction: missing .*; or to: missing/);
    expect(check('GAME_STATE_UPDATE', { version: 3, applied: 1 }, true)).toMatch(/^GAME_STATE_UPDATE\.rejected: missing/);
    expect(check('RESOURCE_RESPONSE', { name: 'a', notModified: false }, true)).toMatch(/^RESOURCE_RESPONSE\.notModified: expected true/);
  });

  it('the body itself must be an object', () => {
    for (const v of [null, [], 'x', 3]) expect(check('HEARTBEAT', v)).toMatch(/^HEARTBEAT: expected an object/);
  });

  it('inherited names never satisfy a field', () => {
    // `constructor`, `toString`, … exist on every object's prototype: only own members count.
    const moveProto = Object.create({ direction: 'n' }) as object;
    expect(check('PLAYER_MOVE', moveProto)).not.toBeNull();
    expect(check('PLAYER_ACTION', JSON.parse('{"__proto__": {"action": "x"}}'))).toMatch(/^PLAYER_ACTION\.action: missing/);
    expect(check('ERROR', { message: 'x', fatal: true })).toMatch(/^ERROR\.code: missing/);
    expect(check('SCRIPT_RESULT', { output: [], durationMs: 1 }, true)).toMatch(/^SCRIPT_RESULT\.result: missing/);
    // A body named like Object.prototype members is just data.
    expect(check('PLAYER_ACTION', JSON.parse('{"action": "constructor", "args": {"toString": 1, "__proto__": null}}'))).toBeNull();
  });

  it('is not fooled by values that only look right', () => {
    expect(check('HEARTBEAT', { t: Infinity })).toMatch(/HEARTBEAT\.t/);
    expect(check('HEARTBEAT', { t: NaN })).toMatch(/HEARTBEAT\.t/);
    expect(check('RESOURCE_REQUEST', { name: 'a', ifNoneMatch: 'A'.repeat(64) })).toMatch(/ifNoneMatch: expected a sha256 in lowercase hex/);
    expect(check('AUTH_LOGOUT', { ok: true }, true)).toBeNull();
    expect(check('AUTH_LOGOUT', { ok: 'true' }, true)).toBe('AUTH_LOGOUT.ok: expected true, got "true"');
  });

  it('every error code is a valid ERROR body code', () => {
    for (const code of ERROR_CODES) expect(check('ERROR', { code, message: 'm', fatal: false })).toBeNull();
  });

  it('validates long hostile strings against the patterns (they are linear: a backtracking one would hang here)', () => {
    const long = '/' + 'a~'.repeat(200_000) + '2';
    expect(check('GAME_STATE_REQUEST', { paths: [long] })).toMatch(/paths\[0\]: expected a JSON pointer/);
    expect(check('RESOURCE_RESPONSE', { name: 'x', sha256: '0'.repeat(64), size: 1, offset: 0, data: 'A'.repeat(400_000) + '=!', done: true }, true)).toMatch(/data: expected base64/);
  });
});
