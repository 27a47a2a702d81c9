/**
 * IP address text ⇄ bytes for the Exported PDU address tags. Node gives
 * socket addresses as text (IPv4-mapped IPv6 like "::ffff:127.0.0.1" on
 * dual-stack sockets), so mapped addresses are written as plain IPv4.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/** 4 bytes for IPv4 (mapped IPv6 included), 16 for IPv6, null for anything else (host names, garbage). */
export function ipToBytes(text: string): Uint8Array | null {
  const addr = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (isIPv4(addr)) return Uint8Array.from(addr.split('.'), Number);
  const noZone = addr.split('%')[0]!;
  if (!isIPv6(noZone)) return null;
  const bytes = ipv6Bytes(noZone);
  if (bytes && isMappedV4(bytes)) return bytes.subarray(12);
  return bytes;
}

function isMappedV4(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

function ipv6Bytes(addr: string): Uint8Array | null {
  let text = addr;
  const out = new Uint8Array(16);
  // A trailing dotted IPv4 part counts as two groups.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  let v4: number[] | null = null;
  if (tail.includes('.')) {
    if (!isIPv4(tail)) return null;
    v4 = tail.split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const groups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const h = groups(head);
  const t = rest === undefined ? [] : groups(rest);
  const all = rest === undefined ? h : [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  if (all.length !== 8 || all.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff)) return null;
  all.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  if (v4) out.set(v4, 12);
  return out;
}

export function bytesToIp(b: Uint8Array): string {
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  if (b.length !== 16) return '';
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!);
  // RFC 5952: compress the longest run (length ≥ 2) of zero groups, the first one on a tie.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** "1.2.3.4:5" or "[::1]:5". */
export function formatEndpoint(e: Endpoint | undefined): string {
  if (!e) return '?';
  return e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}
