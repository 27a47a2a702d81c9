import { describe, expect, it } from 'vitest';
import { buildScript } from './script';
import { type ReplayError } from './errors';
import { sessionRecords } from '../../test-support/replay-fixtures';
import { sessionMeta } from '../../test-support/capture/sample-records';
import { type MessageRecord } from '../../src-shared/records';

describe('a captured session as a script', () => {
  it('steps are the client messages after the login, each with the answer it got; the rest is inbound, placed after its step', () => {
    const s = buildScript(1, sessionMeta(1, { account: 'demo' }), sessionRecords());
    expect(s.account).toBe('demo');
    expect(s.login.kind).toBe('password');
    expect(s.login.response.type).toBe('AUTH_LOGIN');
    expect(s.capturedSessionId).toBe('00000000-0000-4000-8000-000000000001');
    expect(s.steps.map((x) => x.type)).toEqual(['PLAYER_MOVE', 'EVENT_TRIGGER', 'AUTH_LOGOUT']);
    expect(s.steps.map((x) => x.index)).toEqual([1, 2, 3]);
    expect(s.steps[0]).toMatchObject({ isRequest: false, expected: null, priority: 1 });
    expect(s.steps[1]).toMatchObject({ isRequest: true, expected: { type: 'EVENT_RESPONSE', latencyMs: 1.5 } });
    expect(s.inbound.map((m) => [m.type, m.afterStep, m.answers])).toEqual([
      ['GAME_STATE_SYNC', 0, null],
      ['GAME_STATE_UPDATE', 1, null],
      ['EVENT_RESPONSE', 2, 2],
      ['EVENT_BROADCAST', 2, null],
      ['AUTH_LOGOUT', 3, 3],
    ]);
    expect(s.skipped.map((x) => [x.type, x.reason.slice(0, 20)])).toEqual([
      ['HEARTBEAT', 'the client answering'],
      ['PLAYER_ACTION', 'never reached the se'],
    ]);
  });

  it('pairs answers by ref when the capture has no pair ids (an NDJSON export edited by hand)', () => {
    const records = sessionRecords().map((r) => {
      const { pairId: _p, ...rest } = r;
      return rest as MessageRecord;
    });
    const s = buildScript(1, sessionMeta(1), records);
    expect(s.steps[1]!.expected?.type).toBe('EVENT_RESPONSE');
  });

  it('a session without a login, with a failed login, or with nothing: NO_LOGIN naming the session and why', () => {
    const err = (records: MessageRecord[]): ReplayError => {
      try {
        buildScript(4, sessionMeta(4), records);
      } catch (e) {
        return e as ReplayError;
      }
      throw new Error('no error');
    };
    expect(err(sessionRecords({ noLogin: true }))).toMatchObject({ code: 'NO_LOGIN', message: expect.stringMatching(/^session 4 has no login: no AUTH_LOGIN request was captured/) });
    expect(err(sessionRecords({ failedLogin: true }))).toMatchObject({ code: 'NO_LOGIN', message: expect.stringMatching(/session 4: its login failed in the capture \(answered by ERROR .*UNAUTHENTICATED/) });
    expect(err([])).toMatchObject({ code: 'NO_LOGIN', message: 'session 4: no messages were captured for it' });
  });

  it('a message the proxy could not decrypt: NOT_DECRYPTED naming it', () => {
    const records = sessionRecords();
    const i = records.findIndex((r) => r.type === 'PLAYER_MOVE');
    const { body: _b, plain: _p, ...encrypted } = records[i]!;
    records[i] = { ...encrypted, flags: [...encrypted.flags, 'ENCRYPTED'] } as MessageRecord;
    expect(() => buildScript(1, sessionMeta(1), records)).toThrow(expect.objectContaining({ code: 'NOT_DECRYPTED', message: expect.stringMatching(/message \d+ \(PLAYER_MOVE\) has no readable body/) }));
  });

  it('another dialect: UNSUPPORTED_DIALECT', () => {
    const records = sessionRecords().map((r) => ({ ...r, dialect: 'otgame' }));
    expect(() => buildScript(1, sessionMeta(1), records)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_DIALECT' }));
  });

  it('a body that did not parse is kept as its bytes, to be sent as it was', () => {
    const records = sessionRecords();
    const i = records.findIndex((r) => r.type === 'PLAYER_MOVE');
    const { body: _b, ...raw } = records[i]!;
    records[i] = { ...raw, plain: new TextEncoder().encode('{"direction": oops') } as MessageRecord;
    const s = buildScript(1, sessionMeta(1), records);
    expect(s.steps[0]).toMatchObject({ type: 'PLAYER_MOVE', body: undefined });
    expect(new TextDecoder().decode(s.steps[0]!.raw)).toBe('{"direction": oops');
  });
});
