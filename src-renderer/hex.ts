/**
 * A hex dump as Wireshark shows it: offset, 16 bytes in two groups of 8, and
 * the printable ASCII. Works from the lowercase hex string main sends.
 */

export interface HexLine {
  readonly offset: string;
  readonly hex: string;
  readonly ascii: string;
}

/** Bytes in a hex string; odd or non-hex characters end it (what main sends is well-formed; a bad one must not break the pane). */
export function hexByteCount(hex: string): number {
  const m = /^[0-9a-fA-F]*/.exec(hex)![0];
  return m.length >> 1;
}

export function hexLines(hex: string, maxLines = Infinity): HexLine[] {
  const bytes = hexByteCount(hex);
  const lines: HexLine[] = [];
  for (let off = 0; off < bytes && lines.length < maxLines; off += 16) {
    const n = Math.min(16, bytes - off);
    const cells: string[] = [];
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      if (i === 8) cells.push('');
      if (i < n) {
        const pair = hex.slice((off + i) * 2, (off + i) * 2 + 2).toLowerCase();
        const b = Number.parseInt(pair, 16);
        cells.push(pair);
        ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
      } else cells.push('  ');
    }
    lines.push({ offset: off.toString(16).padStart(8, '0'), hex: cells.join(' '), ascii });
  }
  return lines;
}
