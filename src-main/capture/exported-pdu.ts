/**
 * The Exported PDU header that starts every packet of link type 252
 * (LINKTYPE_WIRESHARK_UPPER_PDU): big-endian TLVs — u16 tag, u16 length,
 * value — ending with tag 0. Wireshark reads the dissector name from it and
 * hands the rest of the packet (our PDU) to that dissector.
 *
 * Tag numbers and encodings from Wireshark's wiretap/exported_pdu_tlvs.h
 * (earlier epan/exported_pdu.h):
 *   0 EXP_PDU_TAG_END_OF_OPT          length 0
 *  12 EXP_PDU_TAG_DISSECTOR_NAME      ASCII, may end in NUL padding (counted in the length)
 *  20/21 EXP_PDU_TAG_IPV4_SRC/DST     4 bytes
 *  22/23 EXP_PDU_TAG_IPV6_SRC/DST     16 bytes
 *  24 EXP_PDU_TAG_PORT_TYPE           u32, EXP_PDU_PT_TCP = 2
 *  25/26 EXP_PDU_TAG_SRC/DST_PORT     u32 (even for 16-bit ports)
 *  35 EXP_PDU_TAG_P2P_DIRECTION       u32 (Wireshark reads it as int32): P2P_DIR_SENT 0, P2P_DIR_RECV 1
 * Wireshark 4.0 (Debian 12) knows all of these; it shows tag 35 as
 * exported_pdu.p2p_dir and sets the packet's direction from it.
 */
import { bytesToIp, ipToBytes, type Endpoint } from './ip';

export const ExpPduTag = {
  END_OF_OPT: 0,
  DISSECTOR_NAME: 12,
  IPV4_SRC: 20,
  IPV4_DST: 21,
  IPV6_SRC: 22,
  IPV6_DST: 23,
  PORT_TYPE: 24,
  SRC_PORT: 25,
  DST_PORT: 26,
  P2P_DIRECTION: 35,
} as const;

export const EXP_PDU_PT_TCP = 2;
export const P2P_DIR_SENT = 0;
export const P2P_DIR_RECV = 1;

export interface ExportedPduHeader {
  /** Name of the Wireshark dissector for the PDU: 'up2', later 'otgame'. */
  readonly dissector: string;
  readonly src?: Endpoint;
  readonly dst?: Endpoint;
  /** P2P_DIR_SENT or P2P_DIR_RECV. */
  readonly p2pDir?: number;
}

const ascii = new TextEncoder();

/** The tag bytes for one direction of one session; callers cache them, they do not change per packet. */
export function encodeExportedPduTags(h: ExportedPduHeader): Uint8Array {
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(h.dissector)) throw new RangeError(`dissector name must be 1-64 of [A-Za-z0-9_.-], got "${h.dissector}"`);
  const parts: Uint8Array[] = [];
  const tag = (t: number, value: Uint8Array): void => {
    const b = new Uint8Array(4 + value.length);
    b[0] = t >> 8;
    b[1] = t & 0xff;
    b[2] = value.length >> 8;
    b[3] = value.length & 0xff;
    b.set(value, 4);
    parts.push(b);
  };
  const u32 = (n: number): Uint8Array => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  // The name padded with NULs to 4 bytes, as Wireshark itself writes it.
  const name = ascii.encode(h.dissector);
  const padded = new Uint8Array((name.length + 4) & ~3);
  padded.set(name);
  tag(ExpPduTag.DISSECTOR_NAME, padded);
  const src = h.src && ipToBytes(h.src.address);
  const dst = h.dst && ipToBytes(h.dst.address);
  // Both addresses of one family, or neither: Wireshark builds one address pair from them.
  if (src && dst && src.length === dst.length) {
    tag(src.length === 4 ? ExpPduTag.IPV4_SRC : ExpPduTag.IPV6_SRC, src);
    tag(dst.length === 4 ? ExpPduTag.IPV4_DST : ExpPduTag.IPV6_DST, dst);
  }
  if (h.src || h.dst) {
    tag(ExpPduTag.PORT_TYPE, u32(EXP_PDU_PT_TCP));
    if (h.src) tag(ExpPduTag.SRC_PORT, u32(h.src.port));
    if (h.dst) tag(ExpPduTag.DST_PORT, u32(h.dst.port));
  }
  if (h.p2pDir !== undefined) tag(ExpPduTag.P2P_DIRECTION, u32(h.p2pDir));
  parts.push(new Uint8Array(4)); // end of options
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface DecodedExportedPdu {
  readonly header: ExportedPduHeader;
  /** Offset of the PDU in the packet data. */
  readonly pduAt: number;
}

/** Reads the tags of a packet; a problem (tags running past the packet, no end tag, no dissector name) comes back as text. */
export function decodeExportedPdu(data: Uint8Array): DecodedExportedPdu | string {
  let at = 0;
  let dissector: string | undefined;
  let srcIp: string | undefined;
  let dstIp: string | undefined;
  let srcPort: number | undefined;
  let dstPort: number | undefined;
  let p2pDir: number | undefined;
  const u32 = (i: number): number => ((data[i]! << 24) | (data[i + 1]! << 16) | (data[i + 2]! << 8) | data[i + 3]!) >>> 0;
  for (;;) {
    if (at + 4 > data.length) return `exported PDU tags run past the end of the packet (no end-of-options tag)`;
    const tag = (data[at]! << 8) | data[at + 1]!;
    const len = (data[at + 2]! << 8) | data[at + 3]!;
    const v = at + 4;
    if (v + len > data.length) return `exported PDU tag ${tag} declares ${len} bytes, past the end of the packet`;
    at = v + len;
    if (tag === ExpPduTag.END_OF_OPT) break;
    switch (tag) {
      case ExpPduTag.DISSECTOR_NAME: {
        let end = v + len;
        while (end > v && data[end - 1] === 0) end--;
        if (end - v > 64) return `exported PDU dissector name is ${end - v} bytes long (at most 64)`;
        dissector = String.fromCharCode(...data.subarray(v, end));
        break;
      }
      case ExpPduTag.IPV4_SRC:
      case ExpPduTag.IPV6_SRC:
        if (len === 4 || len === 16) srcIp = bytesToIp(data.subarray(v, v + len));
        break;
      case ExpPduTag.IPV4_DST:
      case ExpPduTag.IPV6_DST:
        if (len === 4 || len === 16) dstIp = bytesToIp(data.subarray(v, v + len));
        break;
      case ExpPduTag.SRC_PORT:
        if (len === 4) srcPort = u32(v);
        break;
      case ExpPduTag.DST_PORT:
        if (len === 4) dstPort = u32(v);
        break;
      case ExpPduTag.P2P_DIRECTION:
        if (len === 4) p2pDir = u32(v) | 0;
        break;
      default:
        break; // other tags (port type, frame numbers, …) carry nothing we need
    }
  }
  if (dissector === undefined) return 'exported PDU has no dissector-name tag';
  const endpoint = (address: string | undefined, port: number | undefined): Endpoint | undefined =>
    port === undefined ? undefined : { address: address ?? '', port };
  const src = endpoint(srcIp, srcPort);
  const dst = endpoint(dstIp, dstPort);
  return {
    header: { dissector, ...(src ? { src } : {}), ...(dst ? { dst } : {}), ...(p2pDir !== undefined ? { p2pDir } : {}) },
    pduAt: at,
  };
}
