/**
 * Which frame layout a protocol version uses, as OTClient switches them
 * (src/framework/net/protocol.cpp, modules/game_features/features.lua):
 *
 *   < 8.40        u16 length · [XTEA: u16 inner length · payload · padding]
 *   8.40 – 12.86  u16 length · u32 Adler-32 · XTEA(u16 inner length · payload · padding)
 *   12.90 – 14.04 u16 length · u32 sequence (bit 31 = raw DEFLATE body) · XTEA(u16 inner length · …)
 *   ≥ 14.05       u16 count of 8-byte blocks after the 4-byte sequence · u32 sequence ·
 *                 XTEA(u8 padding count · payload · padding)
 *
 * Tibia itself added the checksum in 8.30; OTClient turns it on from 8.40.
 * Every session starts with Adler-32 (or none) on its first frames and
 * turns sequencing on after the login packet.
 */

export type ChecksumMode = 'none' | 'adler32' | 'sequence';
/** classic: u16 byte length and an inner u16 length inside XTEA; blocks: the 14.05 block count and padding byte. */
export type FrameLayout = 'classic' | 'blocks';

export interface Framing {
  readonly layout: FrameLayout;
  /** Checksum of the first frames (challenge, login packet). */
  readonly initialChecksum: Exclude<ChecksumMode, 'sequence'>;
  /** After the login packet: 'sequence' from 12.90, else the initial checksum. */
  readonly sessionChecksum: ChecksumMode;
}

export const VERSION = {
  CHECKSUM: 840,
  SEQUENCE: 1290,
  BLOCKS: 1405,
  HTTP_LOGIN: 1281,
} as const;

/** The framing OTClient uses for a protocol version (e.g. 860, 1098, 1310, 1412). */
export function framingForVersion(version: number): Framing {
  const initialChecksum = version >= VERSION.CHECKSUM ? 'adler32' : 'none';
  return {
    layout: version >= VERSION.BLOCKS ? 'blocks' : 'classic',
    initialChecksum,
    sessionChecksum: version >= VERSION.SEQUENCE ? 'sequence' : initialChecksum,
  };
}

/** Bytes after the u16 length field that a length value announces. */
export function bodyLength(layout: FrameLayout, lengthField: number): number {
  return layout === 'blocks' ? lengthField * 8 + 4 : lengthField;
}

/** "12.90" from 1290, for messages and docs. */
export const versionText = (v: number): string => `${Math.floor(v / 100)}.${String(v % 100).padStart(2, '0')}`;
