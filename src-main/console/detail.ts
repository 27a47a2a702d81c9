/**
 * Everything the detail pane shows for one message: the body, the wire
 * bytes in hex, the header fields by name, the JSON web tokens in the body
 * with their claims, and the request or response it pairs with.
 */
import type { MessageDetail } from '../../src-shared/ipc/contract';
import type { MessageRecord } from '../../src-shared/records';
import { HEADER_SIZE, PRIORITY_NAMES, priorityOf, readU32BE, toHex } from '../../src-shared/protocol';
import { summaryOf } from '../proxy/records';
import { readJwtClaims } from '../proxy/dialects/up2/redact';

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[^.]+$/;

/** Header fields of a UP/2.0 frame by name. */
function up2Header(wire: Uint8Array): Record<string, string | number> {
  if (wire.length < HEADER_SIZE) return {};
  const flags = wire[4]!;
  return {
    magic: `0x${toHex(wire.subarray(0, 2))}`,
    version: wire[2]!,
    type: `0x${wire[3]!.toString(16).padStart(2, '0')}`,
    flags: `0x${flags.toString(16).padStart(2, '0')}`,
    compressed: flags & 1 ? 'yes' : 'no',
    encrypted: flags & 2 ? 'yes' : 'no',
    response: flags & 4 ? 'yes' : 'no',
    priority: `${priorityOf(flags)} ${PRIORITY_NAMES[priorityOf(flags)]}`,
    reserved: wire[5]!,
    seq: readU32BE(wire, 6),
    ref: readU32BE(wire, 10),
    length: readU32BE(wire, 14),
  };
}

function findTokens(value: unknown, path: string, out: MessageDetail['tokens'][number][], depth = 0): void {
  if (depth > 16 || out.length >= 8) return;
  if (typeof value === 'string') {
    if (value.length < 8192 && JWT.test(value)) {
      const claims = readJwtClaims(value);
      if (claims) out.push({ path, claims, expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : null });
    }
    return;
  }
  if (Array.isArray(value)) value.forEach((v, i) => findTokens(v, `${path}/${i}`, out, depth + 1));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) findTokens(v, `${path}/${k}`, out, depth + 1);
}

export function messageDetail(r: MessageRecord, pair: MessageRecord | null): MessageDetail {
  const tokens: MessageDetail['tokens'][number][] = [];
  findTokens(r.body, '', tokens);
  const isResponse = r.flags.includes('RESPONSE');
  const wire = r.wire ?? new Uint8Array(0);
  return {
    summary: 'summary' in r && typeof r.summary === 'function' ? (r.summary as () => ReturnType<typeof summaryOf>)() : summaryOf(r),
    body: r.body ?? null,
    wireHex: toHex(wire.length > 1 << 20 ? wire.subarray(0, 1 << 20) : wire),
    header: r.dialect === 'up2' ? up2Header(wire) : { opcode: `0x${r.code.toString(16).padStart(2, '0')}` },
    tokens,
    request: isResponse && pair ? summaryOf(pair) : null,
    response: !isResponse && pair ? summaryOf(pair) : null,
  };
}
