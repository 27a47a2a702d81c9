/**
 * What the proxy keeps of a body for people and captures: passwords and
 * refresh tokens replaced, access tokens kept readable (their claims) but
 * without their signature, so a shared capture cannot be used to log in.
 * Forwarding always uses the untouched bytes.
 */

export const REDACTED = '«redacted»';

function stripSignature(jwt: string): string {
  const parts = jwt.split('.');
  return parts.length === 3 ? `${parts[0]}.${parts[1]}.${REDACTED}` : REDACTED;
}

/** Returns the body itself when there is nothing to redact (the common case: no copy). */
export function redactBody(type: string, body: Record<string, unknown>): Record<string, unknown> {
  if (type !== 'AUTH_LOGIN' && type !== 'AUTH_REFRESH') return body;
  let out: Record<string, unknown> | null = null;
  const set = (k: string, v: unknown): void => {
    out ??= { ...body };
    out[k] = v;
  };
  if (typeof body.password === 'string') set('password', REDACTED);
  if (typeof body.refreshToken === 'string') set('refreshToken', REDACTED);
  if (typeof body.accessToken === 'string') set('accessToken', stripSignature(body.accessToken));
  return out ?? body;
}

/** The claims of a JWT, read without verifying (for display and the capture's session block). */
export function readJwtClaims(jwt: string): Record<string, unknown> | null {
  const parts = jwt.split('.');
  if (parts.length !== 3) return null;
  try {
    const json = Buffer.from(parts[1]!, 'base64url').toString('utf8');
    const claims = JSON.parse(json) as unknown;
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims) ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
