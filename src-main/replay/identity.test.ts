import { describe, expect, it } from 'vitest';
import { IdentityMap, tokenClaims } from './identity';
import { DEFAULT_IDENTITY_RULES, checkIdentityRules, identityIgnores } from './identity-rules';
import { ReplayError } from './errors';
import { answerDependencies } from './driver';

const fresh = (): IdentityMap => new IdentityMap(DEFAULT_IDENTITY_RULES);
const jwt = (claims: object): string => `eyJhbGciOiJFZERTQSJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.«redacted»`;
const ctx = { capturedTime: 1000, sendTime: 50_000 };

describe('identity mapping', () => {
  it('learns ids from a login answer, paired with the captured answer, and puts them into later messages', () => {
    const m = fresh();
    m.learnFrom(
      'AUTH_LOGIN',
      'response',
      { playerId: 'p-1', accountId: 'acc-1', accessToken: jwt({ sid: 'old-session' }), refreshToken: '«redacted»' },
      { playerId: 'p-77', accountId: 'acc-9', accessToken: jwt({ sid: 'new-session' }), refreshToken: 'R1' },
    );
    expect(m.lookup('playerId', 'p-1')).toBe('p-77');
    expect(m.lookup('sessionId', 'old-session')).toBe('new-session');
    expect(m.current('refreshToken')).toBe('R1');
    // use rules: targets and interact targets are mapped; so is any string equal to a known id
    expect(m.rewrite('EVENT_TRIGGER', { id: 'e1', name: 'x', scope: 'targeted', targets: ['p-1', 'p-2'], data: { to: 'p-1' } }, ctx)).toMatchObject({ targets: ['p-77', 'p-2'], data: { to: 'p-77' } });
    expect(m.rewrite('PLAYER_INTERACT', { target: 'c12', kind: 'look' }, ctx)).toEqual({ target: 'c12', kind: 'look' });
    expect(m.rewrite('AUTH_REFRESH', { refreshToken: '«redacted»' }, ctx)).toEqual({ refreshToken: 'R1' });
  });

  it('event ids are minted fresh (the server would answer a resent id from its cache), the same captured id keeps its new id', () => {
    const m = fresh();
    const a = m.rewrite('EVENT_TRIGGER', { id: '0b6f1c1e-3c8f-4d7a-9a51-2f0d3c4e5a61', name: 'x', scope: 'remote' }, ctx) as { id: string };
    expect(a.id).not.toBe('0b6f1c1e-3c8f-4d7a-9a51-2f0d3c4e5a61');
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    const b = m.rewrite('EVENT_TRIGGER', { id: '0b6f1c1e-3c8f-4d7a-9a51-2f0d3c4e5a61', name: 'x', scope: 'remote' }, ctx) as { id: string };
    expect(b.id).toBe(a.id);
    // The captured answer carries the captured id: translated, it is the new one.
    expect(m.translate('0b6f1c1e-3c8f-4d7a-9a51-2f0d3c4e5a61')).toBe(a.id);
    expect(m.rows().find((r) => r.kind === 'eventId')).toMatchObject({ how: 'fresh', used: 2 });
  });

  it("state versions are the replay's current one; clock stamps keep their distance from the moment they are sent", () => {
    const m = fresh();
    m.learnFrom('GAME_STATE_UPDATE', 'push', undefined, { from: 4, to: 5, ops: [] });
    const body = m.rewrite('GAME_STATE_UPDATE', { from: 9, to: 9, ops: [{ op: 'add', path: '/ui/x', value: 1, ts: { wall: 990, counter: 0, node: 'c' } }] }, ctx);
    expect(body).toEqual({ from: 5, to: 5, ops: [{ op: 'add', path: '/ui/x', value: 1, ts: { wall: 49_990, counter: 0, node: 'c' } }] });
    expect(m.rewrite('GAME_STATE_REQUEST', { since: 3 }, ctx)).toEqual({ since: 5 });
  });

  it('rewrites copy on write: the captured body is never changed, an untouched body is returned as it is', () => {
    const m = fresh();
    m.learn('playerId', 'p-1', 'p-2', 'test');
    const captured = Object.freeze({ targets: Object.freeze(['p-1']), id: 'x', name: 'n', scope: 'targeted' });
    const out = m.rewrite('EVENT_TRIGGER', captured, ctx) as { targets: string[] };
    expect(out.targets).toEqual(['p-2']);
    expect(captured.targets).toEqual(['p-1']);
    const plain = { direction: 'n' };
    expect(m.rewrite('PLAYER_MOVE', plain, ctx)).toBe(plain);
  });

  it('short values are never translated anywhere ("1" or "ok" would collide with ordinary data); a contradicting pairing is counted, not applied', () => {
    const m = fresh();
    m.learn('accountId', '7', '8', 'test');
    expect(m.translate('7')).toBeUndefined();
    m.learn('playerId', 'p-100', 'p-200', 'test');
    m.learn('playerId', 'p-100', 'p-300', 'test');
    expect(m.lookup('playerId', 'p-100')).toBe('p-200');
    expect(m.conflicts).toBe(1);
  });

  it('member names are rewritten too, without touching prototypes', () => {
    const m = fresh();
    m.learn('playerId', 'p-100', 'p-200', 'test');
    const body = JSON.parse('{"data": {"p-100": 1, "__proto__": {"p-100": 2}}}') as unknown;
    expect(m.rewrite('EVENT_TRIGGER', body, ctx)).toEqual(JSON.parse('{"data": {"p-200": 1, "__proto__": {"p-200": 2}}}'));
    expect(({} as Record<string, unknown>)['p-200']).toBeUndefined();
  });

  it('the report shows mappings and never a secret', () => {
    const m = fresh();
    m.learnFrom('AUTH_LOGIN', 'response', { playerId: 'p-1', refreshToken: 'old-secret' }, { playerId: 'p-2', refreshToken: 'new-secret' });
    m.learnFrom('AUTH_REFRESH', 'response', { refreshToken: 'x' }, { refreshToken: 'newer-secret' });
    const rows = m.rows();
    expect(JSON.stringify(rows)).not.toMatch(/secret"/);
    expect(rows.find((r) => r.kind === 'refreshToken')).toMatchObject({ captured: '(secret)', replayed: '(rotated 1 time)' });
    expect(rows.find((r) => r.kind === 'playerId')).toMatchObject({ captured: 'p-1', replayed: 'p-2', learnedFrom: 'AUTH_LOGIN /playerId' });
  });

  it('token claims are read from the middle part only; hostile tokens give nothing', () => {
    expect(tokenClaims(jwt({ sid: 's' }))).toEqual({ sid: 's' });
    for (const t of ['', 'a', 'a.b', 'a.!!.c', `a.${Buffer.from('[1]').toString('base64url')}.c`, `a.${Buffer.from('nope').toString('base64url')}.c`]) expect(tokenClaims(t)).toBeUndefined();
  });

  it('at max speed a message waits only for the answers that teach a value it carries', () => {
    const d = answerDependencies(DEFAULT_IDENTITY_RULES);
    expect([...d.get('AUTH_REFRESH')!].sort()).toEqual(['AUTH_LOGIN', 'AUTH_REFRESH']);
    expect([...d.get('GAME_STATE_UPDATE')!].sort()).toEqual(['GAME_STATE_SYNC', 'GAME_STATE_UPDATE']);
    expect([...d.get('RESOURCE_REQUEST')!].sort()).toEqual(['RESOURCE_RESPONSE']);
    expect([...d.get('EVENT_TRIGGER')!]).toEqual(['AUTH_LOGIN']);
    expect(d.has('PLAYER_MOVE')).toBe(false);
  });

  it('the rule table is checked against the catalogue; its non-translated kinds are left out of comparisons', () => {
    expect(() => checkIdentityRules({ ...DEFAULT_IDENTITY_RULES, use: [{ kind: 'playerId', type: 'NOPE', pointer: '/x', how: 'map' }] })).toThrow(ReplayError);
    expect(() => checkIdentityRules({ ...DEFAULT_IDENTITY_RULES, learn: [{ kind: 'nope', type: 'AUTH_LOGIN', role: 'response', pointer: '/x' }] })).toThrow(/unknown identity kind "nope"/);
    expect(() => checkIdentityRules({ ...DEFAULT_IDENTITY_RULES, learn: [{ kind: 'playerId', type: 'AUTH_LOGIN', role: 'response', pointer: 'x' }] })).toThrow(/starts with "\/"/);
    expect(identityIgnores(DEFAULT_IDENTITY_RULES)).toEqual(expect.arrayContaining(['GAME_STATE_UPDATE:/version', 'AUTH_LOGIN:/refreshToken']));
    expect(identityIgnores(DEFAULT_IDENTITY_RULES)).not.toContain('AUTH_LOGIN:/playerId');
  });
});
