/**
 * Numbers of the pcapng format (draft-ietf-opsawg-pcapng, github.com/pcapng/pcapng)
 * and of Wireshark's Exported PDU link type, as otbridge captures use them.
 */

export const BlockType = {
  SHB: 0x0a0d0d0a,
  IDB: 0x00000001,
  /** Obsolete Packet Block: recognised so that it can be skipped with a clear warning. */
  PB: 0x00000002,
  SPB: 0x00000003,
  NRB: 0x00000004,
  ISB: 0x00000005,
  EPB: 0x00000006,
  DSB: 0x0000000a,
  /** Custom Block that rewriters may copy into new files. */
  CB_COPY: 0x00000bad,
  /** Custom Block that rewriters should not copy. */
  CB_NO_COPY: 0x40000bad,
} as const;

export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/** Option codes valid in every block. */
export const Opt = {
  END: 0,
  COMMENT: 1,
  /** Custom options (value = PEN ‖ data): UTF-8 / binary, copyable; UTF-8 / binary, not copyable. */
  CUSTOM_STR: 2988,
  CUSTOM_BIN: 2989,
  CUSTOM_STR_NO_COPY: 19372,
  CUSTOM_BIN_NO_COPY: 19373,
} as const;

export const ShbOpt = { HARDWARE: 2, OS: 3, USERAPPL: 4 } as const;
export const IdbOpt = { NAME: 2, DESCRIPTION: 3, TSRESOL: 9 } as const;
/** Enhanced Packet Block options: flags word (direction in bits 0-1), 64-bit packet id. */
export const EpbOpt = { FLAGS: 2, PACKETID: 5 } as const;
export const EpbDirection = { UNKNOWN: 0, INBOUND: 1, OUTBOUND: 2 } as const;

/**
 * LINKTYPE_WIRESHARK_UPPER_PDU (tcpdump.org/linktypes.html): each packet is
 * a list of Exported PDU tags, then the PDU for the dissector they name.
 */
export const LINKTYPE_WIRESHARK_UPPER_PDU = 252;

/**
 * Private Enterprise Number of otbridge's custom blocks and options.
 *
 * otbridge has no IANA-assigned PEN yet, and taking a number that belongs to
 * someone else would make our blocks look like theirs. 32473 is the number
 * RFC 5612 sets aside for documentation and examples: no real vendor uses it,
 * so nothing collides, and Wireshark names it ("Example Enterprise Number for
 * Documentation Use"). When the project registers its own PEN (free, at
 * pen.iana.org), write it here and keep 32473 in READ_PENS so older captures
 * still open.
 */
export const OTBRIDGE_PEN = 32473;
export const READ_PENS: ReadonlySet<number> = new Set([OTBRIDGE_PEN]);

/** Timestamps are written in microseconds (if_tsresol 6, the pcapng default). */
export const TS_PER_SECOND = 1_000_000;

/** General block layout: type, length, body, length again. */
export const BLOCK_OVERHEAD = 12;
/** Largest block a reader accepts before trusting a length field. Far above any UP/2.0 frame (16 MiB + tags). */
export const MAX_BLOCK_BYTES = 64 * 1024 * 1024;
