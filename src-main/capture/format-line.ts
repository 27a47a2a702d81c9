/**
 * One line per message, in the manner of tcpdump and tshark's default
 * output: number, time, session and direction, endpoints, dialect, type,
 * sequence numbers, flags, size, latency, problems, and the body's start.
 *
 *     12 22:13:20.003000 s1 s2c 127.0.0.1:7180 → 127.0.0.1:50001 up2 AUTH_LOGIN resp ref=1 seq=1 166 B 3.2 ms {"ok":true,…
 */
import { formatEndpoint } from './ip';
import { type CapturedRecord } from './captured-record';
import { type SessionMeta } from './session-meta';

export interface LineOptions {
  /** Characters of body shown (0 = none; default 80). */
  readonly bodyChars?: number;
  /** Local time instead of UTC. */
  readonly localTime?: boolean;
}

export function formatTime(ms: number, local = false): string {
  const d = new Date(Math.floor(ms));
  const micros = Math.round((ms - Math.floor(ms)) * 1000) + (Math.floor(ms) % 1000) * 1000;
  const hh = local ? d.getHours() : d.getUTCHours();
  const mm = local ? d.getMinutes() : d.getUTCMinutes();
  const ss = local ? d.getSeconds() : d.getUTCSeconds();
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${p2(hh)}:${p2(mm)}:${p2(ss)}.${String(Math.min(micros, 999_999)).padStart(6, '0')}`;
}

export function formatRecordLine(r: CapturedRecord, o: LineOptions = {}): string {
  const parts: string[] = [String(r.id).padStart(6), formatTime(r.time, o.localTime), `s${r.session}`, r.dir];
  if (r.src || r.dst) parts.push(`${formatEndpoint(r.src)} → ${formatEndpoint(r.dst)}`);
  parts.push(r.dialect, r.type);
  const response = r.flags.includes('RESPONSE');
  if (response) parts.push(`resp ref=${r.ref ?? '?'}`);
  if (r.seq !== null) parts.push(`seq=${r.seq}`);
  const flags = r.flags.filter((f) => f !== 'RESPONSE' && f !== 'P2');
  if (flags.length) parts.push(`[${flags.join(' ')}]`);
  parts.push(`${r.wireSize} B`);
  if (r.latencyMs !== undefined) parts.push(`${r.latencyMs.toFixed(1)} ms`);
  if (r.error) parts.push(`!${r.error}`);
  if (r.faults?.length) parts.push(`fault: ${r.faults.join(', ')}`);
  const chars = o.bodyChars ?? 80;
  if (chars > 0) {
    if (r.pdu === 'wire') parts.push(`<encrypted ${r.wireSize} B>`);
    else if (r.plain && r.plain.length > 0) parts.push(preview(r.plain, chars));
  }
  return parts.join(' ');
}

const utf8 = new TextDecoder('utf-8');

function preview(bytes: Uint8Array, chars: number): string {
  // Decode only what can be shown (4 bytes per character at most).
  const text = utf8.decode(bytes.subarray(0, chars * 4)).replace(/\s+/g, ' ');
  // Control characters would garble a terminal.
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '.');
  return clean.length > chars ? `${clean.slice(0, chars - 1)}…` : clean;
}

export function formatSessionLine(m: SessionMeta): string {
  const parts = [`  ---- session ${m.session}`];
  if (m.mode) parts.push(String(m.mode));
  if (m.client) parts.push(`client ${formatEndpoint(m.client)}`);
  if (m.server) parts.push(`server ${formatEndpoint(m.server)}`);
  if (typeof m.account === 'string') parts.push(`account ${m.account}`);
  if (m.end !== undefined) parts.push(`ended${m.closeReason ? ` (${String(m.closeReason)})` : ''}`);
  return parts.join(' ');
}
