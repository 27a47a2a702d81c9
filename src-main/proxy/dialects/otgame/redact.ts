/**
 * Secrets never reach a record body or a capture. Canary's session key is
 * "account\npassword" (authType "password"), or an opaque token: keep the
 * account, drop the rest, say how long it was.
 */
export const REDACTED = '[redacted]';

export function redactSessionKey(key: string): string {
  const nl = key.indexOf('\n');
  if (nl >= 0) return `${key.slice(0, nl)}\n${REDACTED}`;
  return `${REDACTED} (${key.length} chars)`;
}
