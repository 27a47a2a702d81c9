/**
 * The layout of a session's first frame, from its bytes: a frame whose
 * Adler-32 matches under one reading of the length field is that layout.
 * The challenge and the login packet always carry the checksum from 8.40
 * on, so this settles classic vs 14.05 before any version is known.
 */
import { adler32 } from './adler32';
import { bodyLength, type ChecksumMode, type FrameLayout } from './framing';

export interface Detected {
  readonly layout: FrameLayout;
  readonly checksum: Exclude<ChecksumMode, 'sequence'>;
}

const u32 = (b: Uint8Array, i: number): number => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;

/** Largest frame either layout can announce (14.05: 65535 blocks). */
export const MAX_FRAME = 2 + bodyLength('blocks', 0xffff);

/** The layout, or null while more bytes are needed to tell. `bytes` starts at a frame boundary. */
export function detectLayout(bytes: Uint8Array): Detected | null {
  if (bytes.length < 2) return null;
  const field = bytes[0]! | (bytes[1]! << 8);
  let waiting = false;
  for (const layout of ['classic', 'blocks'] as const) {
    const total = 2 + bodyLength(layout, field);
    if (total < 6) continue;
    if (bytes.length < total) {
      waiting = true;
      continue;
    }
    if (adler32(bytes, 6, total) === u32(bytes, 2)) return { layout, checksum: 'adler32' };
  }
  if (waiting && bytes.length < MAX_FRAME) return null;
  // No checksum matched: a client older than 8.40, or bytes that are not OT frames at all.
  return { layout: 'classic', checksum: 'none' };
}
