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

/**
 * A copy of a login-service answer with the session key's secret bytes
 * (after the newline: the password, for Canary's "account\npassword" keys;
 * all of it otherwise) replaced by '*', so the record's bytes and captures
 * never hold them. Lengths stay, so the copy still parses.
 */
export function maskLoginAnswer(payload: Uint8Array): Uint8Array {
  let out: Uint8Array | undefined;
  let at = 0;
  while (at < payload.length) {
    const op = payload[at]!;
    if (op !== 0x0a && op !== 0x0b && op !== 0x11 && op !== 0x14 && op !== 0x28) break;
    if (at + 3 > payload.length) break;
    const len = payload[at + 1]! | (payload[at + 2]! << 8);
    const start = at + 3;
    const end = Math.min(payload.length, start + len);
    if (op === 0x28) {
      out ??= payload.slice();
      let from = start;
      while (from < end && payload[from] !== 0x0a) from++;
      from = from < end ? from + 1 : start;
      out.fill(0x2a, from, end);
    }
    at = start + len;
  }
  return out ?? payload;
}
