import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '../keys';
import { type TokenError, TokenService } from './tokens';

function service() {
  let now = 1_700_000_000;
  const revoked: { family: string; sids: string[]; reason: string }[] = [];
  const t = new TokenService({ issuer: 'test', signingKey: generateKeyPair('ed25519').privateKey, lifetimeS: 60, refreshLifetimeS: 3600, now: () => now });
  t.onFamilyRevoked = (family, sids, reason) => revoked.push({ family, sids: [...sids], reason });
  return { t, revoked, advance: (s: number) => (now += s) };
}

const reason = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (e) {
    return (e as TokenError).reason;
  }
  return 'accepted';
};

describe('TokenService families', () => {
  it('rotates along a chain; reusing any earlier token revokes the whole family, every access token included', async () => {
    const { t, revoked } = service();
    const a = await t.issue('acc-1', 'sid-1', ['player']);
    const b = await t.rotate(a.refreshToken);
    const c = await t.rotate(b.refreshToken);
    expect(new Set([a.family, b.family, c.family]).size).toBe(1);
    expect((await t.verify(c.accessToken)).sid).toBe('sid-1');
    expect(await reason(t.rotate(a.refreshToken))).toBe('reused');
    expect(revoked).toEqual([{ family: a.family, sids: ['sid-1'], reason: 'reused' }]);
    for (const tok of [a, b, c]) expect(await reason(t.verify(tok.accessToken))).toBe('revoked');
    expect(await reason(t.rotate(c.refreshToken))).toBe('revoked');
  });

  it('a reissue (resume) leaves only the new refresh token usable', async () => {
    const { t } = service();
    const a = await t.issue('acc-1', 'sid-1', ['player']);
    const b = await t.rotate(a.refreshToken);
    const r = await t.reissue(b.family, await t.verify(b.accessToken));
    expect(r.family).toBe(a.family);
    expect(await reason(t.rotate(b.refreshToken))).toBe('reused');
  });

  it('forgets a family once its refresh lifetime is over (swept at the next login)', async () => {
    const { t, advance } = service();
    const a = await t.issue('acc-1', 'sid-1', ['player']);
    const b = await t.rotate(a.refreshToken);
    advance(3601);
    await t.issue('acc-2', 'sid-2', ['player']);
    expect(t.familyOf(b.claims.jti)).toBeUndefined();
    expect(t.familyOf(a.claims.jti)).toBeUndefined();
    expect(await reason(t.rotate(b.refreshToken))).toBe('invalid');
  });
});
