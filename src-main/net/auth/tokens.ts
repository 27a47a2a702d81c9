/**
 * Access and refresh tokens of spec §4.2.
 *
 * Access tokens are EdDSA (Ed25519) JWTs with iss, sub, sid, scope, iat,
 * exp = iat + lifetime, jti. Verification accepts only EdDSA and checks
 * iss, exp and nbf (jose), then revocation.
 *
 * Refresh tokens are 32 random bytes, single use, kept only as SHA-256
 * hashes. Every token issued from one login forms a family; presenting a
 * refresh token that was already used means it was stolen (or replayed), so
 * the whole family is revoked and its sessions are told to end
 * (`onFamilyRevoked`).
 */
import { createHash, createPublicKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { SCOPES, Timing } from '../../../src-shared/protocol';
import type { Scope } from './accounts';

export interface AccessClaims {
  readonly iss: string;
  readonly sub: string;
  readonly sid: string;
  readonly scope: readonly Scope[];
  readonly iat: number;
  readonly exp: number;
  readonly jti: string;
}

export type TokenFailure = 'expired' | 'invalid' | 'revoked' | 'reused';

export class TokenError extends Error {
  override readonly name = 'TokenError';
  constructor(
    readonly reason: TokenFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface IssuedTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresIn: number;
  readonly claims: AccessClaims;
  readonly family: string;
}

interface RefreshEntry {
  readonly family: string;
  readonly sub: string;
  readonly sid: string;
  readonly scope: readonly Scope[];
  readonly expiresAt: number;
  used: boolean;
}

interface Family {
  readonly id: string;
  /**
   * Every refresh-token hash and jti minted in the family (each unique).
   * Arrays, not Sets: they are only ever walked, and every logged-in
   * session holds a family (two Sets cost ~0.3 KB more per session).
   */
  readonly hashes: string[];
  readonly jtis: string[];
  revoked: boolean;
  readonly expiresAt: number;
}

export interface TokenServiceOptions {
  readonly issuer: string;
  /** Ed25519 private key that signs access tokens. */
  readonly signingKey: KeyObject;
  readonly lifetimeS?: number;
  /** How long a refresh token (and its family) stays usable. */
  readonly refreshLifetimeS?: number;
  /** Seconds since the epoch; injectable for tests. */
  readonly now?: () => number;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('base64url');

export class TokenService {
  readonly issuer: string;
  readonly lifetimeS: number;
  private readonly refreshLifetimeS: number;
  private readonly signingKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly now: () => number;
  private readonly refresh = new Map<string, RefreshEntry>();
  private readonly families = new Map<string, Family>();
  private readonly familyOfJti = new Map<string, string>();
  /** Called when a family is revoked (logout, reuse), with the session ids it covered. */
  onFamilyRevoked: (familyId: string, sids: ReadonlySet<string>, reason: TokenFailure | 'logout') => void = () => {};

  constructor(opts: TokenServiceOptions) {
    this.issuer = opts.issuer;
    this.signingKey = opts.signingKey;
    this.publicKey = createPublicKey(opts.signingKey);
    this.lifetimeS = opts.lifetimeS ?? Timing.TOKEN_LIFETIME_S;
    this.refreshLifetimeS = opts.refreshLifetimeS ?? 7 * 24 * 3600;
    this.now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /** New tokens for a fresh login: a new family. */
  async issue(sub: string, sid: string, scope: readonly Scope[]): Promise<IssuedTokens> {
    this.sweep();
    const family: Family = {
      id: randomUUID(),
      hashes: [],
      jtis: [],
      revoked: false,
      expiresAt: this.now() + this.refreshLifetimeS,
    };
    this.families.set(family.id, family);
    return this.mint(family, sub, sid, scope);
  }

  /** Rotates a refresh token: the old one becomes used; a reused one revokes its whole family. */
  async rotate(refreshToken: string): Promise<IssuedTokens> {
    const hash = sha256(refreshToken);
    const entry = this.refresh.get(hash);
    if (!entry) throw new TokenError('invalid', 'unknown refresh token');
    const family = this.families.get(entry.family);
    if (!family || family.revoked) throw new TokenError('revoked', 'this login was revoked');
    if (entry.used) {
      this.revokeFamily(family.id, 'reused');
      throw new TokenError('reused', 'refresh token used twice: every token of this login is revoked');
    }
    if (this.now() >= entry.expiresAt) throw new TokenError('expired', 'refresh token expired');
    entry.used = true;
    return this.mint(family, entry.sub, entry.sid, entry.scope);
  }

  /**
   * New tokens in an existing family, for a resume with an access token: the
   * family's outstanding refresh tokens become used, so only the new one works.
   */
  async reissue(familyId: string, claims: AccessClaims): Promise<IssuedTokens> {
    const family = this.families.get(familyId);
    if (!family || family.revoked) throw new TokenError('revoked', 'this login was revoked');
    for (const h of family.hashes) {
      const e = this.refresh.get(h);
      if (e) e.used = true;
    }
    return this.mint(family, claims.sub, claims.sid, claims.scope);
  }

  /** Verifies an access token: EdDSA only, iss, exp, nbf, then revocation. */
  async verify(accessToken: string): Promise<AccessClaims> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(accessToken, this.publicKey, {
        issuer: this.issuer,
        algorithms: ['EdDSA'],
        currentDate: new Date(this.now() * 1000),
        requiredClaims: ['sub', 'sid', 'scope', 'iat', 'exp', 'jti'],
      }));
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) throw new TokenError('expired', 'access token expired');
      throw new TokenError('invalid', `access token rejected: ${(e as Error).message}`);
    }
    const claims = payload as unknown as AccessClaims;
    if (!Array.isArray(claims.scope) || !claims.scope.every((s) => (SCOPES as readonly string[]).includes(s))) {
      throw new TokenError('invalid', 'access token has an invalid scope claim');
    }
    const fam = this.familyOfJti.get(claims.jti);
    if (fam === undefined || this.families.get(fam)?.revoked !== false) throw new TokenError('revoked', 'access token was revoked');
    return claims;
  }

  familyOf(jti: string): string | undefined {
    return this.familyOfJti.get(jti);
  }

  /** Revokes every token of a login (logout, or refresh-token reuse). */
  revokeFamily(familyId: string, reason: TokenFailure | 'logout'): void {
    const family = this.families.get(familyId);
    if (!family || family.revoked) return;
    family.revoked = true;
    const sids = new Set<string>();
    for (const h of family.hashes) {
      const e = this.refresh.get(h);
      if (e) sids.add(e.sid);
    }
    this.onFamilyRevoked(familyId, sids, reason);
  }

  private async mint(family: Family, sub: string, sid: string, scope: readonly Scope[]): Promise<IssuedTokens> {
    const iat = this.now();
    const claims: AccessClaims = { iss: this.issuer, sub, sid, scope: [...scope], iat, exp: iat + this.lifetimeS, jti: randomUUID() };
    const accessToken = await new SignJWT({ sid, scope: claims.scope })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
      .setIssuer(this.issuer)
      .setSubject(sub)
      .setIssuedAt(iat)
      .setExpirationTime(claims.exp)
      .setJti(claims.jti)
      .sign(this.signingKey);
    const refreshToken = randomBytes(32).toString('base64url');
    const hash = sha256(refreshToken);
    this.refresh.set(hash, { family: family.id, sub, sid, scope: claims.scope, expiresAt: family.expiresAt, used: false });
    family.hashes.push(hash);
    family.jtis.push(claims.jti);
    this.familyOfJti.set(claims.jti, family.id);
    return { accessToken, refreshToken, expiresIn: this.lifetimeS, claims, family: family.id };
  }

  /** Forgets families whose refresh lifetime is over (their access tokens have expired too). */
  private sweep(): void {
    const now = this.now();
    for (const f of this.families.values()) {
      if (f.expiresAt > now) continue;
      for (const h of f.hashes) this.refresh.delete(h);
      for (const j of f.jtis) this.familyOfJti.delete(j);
      this.families.delete(f.id);
    }
  }
}
