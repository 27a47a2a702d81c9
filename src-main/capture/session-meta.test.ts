import { describe, expect, it } from 'vitest';
import { decodeSessionBlockData, encodeSessionBlockData, identityFingerprint, jwtClaims, mergeSessionMeta, sanitizeSessionMeta, type SessionMeta } from './session-meta';

const b64url = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const JWT = `${b64url({ alg: 'EdDSA' })}.${b64url({ iss: 'canary', sub: 'acc-1', sid: 's-1', scope: ['player'], exp: 99 })}.c2lnbmF0dXJlLWJ5dGVz`;

describe('session metadata', () => {
  it('keeps the claims of a JWT and never its signature', () => {
    expect(jwtClaims(JWT)).toEqual({ iss: 'canary', sub: 'acc-1', sid: 's-1', scope: ['player'], exp: 99 });
    expect(jwtClaims('not.a-jwt')).toBeUndefined();
    expect(jwtClaims(`eyJ.${b64url([1, 2])}.x`)).toBeUndefined();
  });

  it('removes passwords, tokens, keys and signatures, and says which', () => {
    const clean = sanitizeSessionMeta({
      session: 4,
      account: 'demo',
      password: 'hunter2',
      accessToken: JWT,
      refreshToken: 'q3x',
      nested: { privateKey: 'abc', note: `token was ${JWT}`, list: [{ signature: 'x' }] },
      identity: { server: 'sha256:aa' },
    } as SessionMeta);
    const text = JSON.stringify(clean);
    for (const secret of ['hunter2', 'q3x', 'abc', 'c2lnbmF0dXJlLWJ5dGVz']) expect(text).not.toContain(secret);
    expect(clean.claims).toMatchObject({ sub: 'acc-1', sid: 's-1' });
    expect(clean.redacted).toEqual(expect.arrayContaining(['password', 'accessToken', 'refreshToken', 'nested.privateKey', 'nested.list[0].signature']));
    expect(clean).toMatchObject({ session: 4, account: 'demo', identity: { server: 'sha256:aa' } });
  });

  it('turns a JWT found under any name into its claims', () => {
    const clean = sanitizeSessionMeta({ session: 1, jwtFromLogin: JWT } as SessionMeta);
    expect(clean.jwtFromLogin).toEqual({ jwtClaims: expect.objectContaining({ sub: 'acc-1' }) });
    expect(JSON.stringify(clean)).not.toContain('c2lnbmF0dXJlLWJ5dGVz');
  });

  it('bounds depth, sizes and odd values, and drops prototype keys', () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 20; i++) deep = { d: deep };
    const hostile = JSON.parse('{"session":1,"__proto__":{"polluted":true},"s":"' + 'x'.repeat(10_000) + '"}') as SessionMeta;
    const clean = sanitizeSessionMeta({ ...hostile, deep, n: Number.NaN, f: () => 1, big: 10n, bytes: new Uint8Array(3) } as unknown as SessionMeta);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(clean, '__proto__')).toBe(false);
    expect((clean.s as string).length).toBe(4096);
    expect(JSON.stringify(clean)).toContain('[too deep]');
    expect(clean).toMatchObject({ n: null, bytes: '[3 bytes]' });
    expect('f' in clean && clean.f !== undefined).toBe(false);
  });

  it('merges updates, later facts winning, identity key by key', () => {
    const a = { session: 1, mode: 'decrypt', identity: { server: 's' } };
    const b = { session: 1, account: 'demo', identity: { presented: 'p' } };
    expect(mergeSessionMeta(a, b)).toEqual({ session: 1, mode: 'decrypt', account: 'demo', identity: { server: 's', presented: 'p' } });
  });

  it('encodes as JSON with kind "session", and decodes with space or NUL padding', () => {
    const data = encodeSessionBlockData({ session: 9, mode: 'passthrough' });
    for (const pad of [[], [0x20, 0x20], [0, 0, 0]]) expect(decodeSessionBlockData(new Uint8Array([...data, ...pad]))).toEqual({ session: 9, mode: 'passthrough' });
    expect(decodeSessionBlockData(new TextEncoder().encode('{"kind":"other","session":1}'))).toMatch(/not session metadata/);
    expect(decodeSessionBlockData(new TextEncoder().encode('{"kind":"session"}'))).toMatch(/no valid "session"/);
    expect(decodeSessionBlockData(new TextEncoder().encode('[1]'))).toMatch(/not a JSON object/);
    expect(decodeSessionBlockData(new Uint8Array([0xff, 0xfe]))).toMatch(/not JSON/);
  });

  it('fingerprints identity keys as sha256 hex', () => {
    expect(identityFingerprint(new Uint8Array(32))).toBe('sha256:66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925');
    expect(identityFingerprint(Buffer.alloc(32).toString('base64url'))).toBe(identityFingerprint(new Uint8Array(32)));
  });
});
