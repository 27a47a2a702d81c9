/**
 * Rewrites a little-endian pcapng (as otbridge writes) in big-endian byte
 * order, as a big-endian machine would have written it: every multi-byte
 * number of the known blocks and options swapped, strings and packet data
 * and custom data left alone. Readers must read both orders.
 */
const swap16 = (b: Uint8Array, at: number): void => {
  [b[at], b[at + 1]] = [b[at + 1]!, b[at]!];
};
const swap32 = (b: Uint8Array, at: number): void => {
  b.subarray(at, at + 4).reverse();
};
const swap64 = (b: Uint8Array, at: number): void => {
  b.subarray(at, at + 8).reverse();
};

const NUMERIC_OPTIONS: Record<number, Record<number, 'u32' | 'u64'>> = {
  6: { 2: 'u32', 4: 'u64', 5: 'u64', 6: 'u32' },
};

function swapOptions(b: Uint8Array, at: number, end: number, blockType: number): void {
  while (at + 4 <= end) {
    const dv = new DataView(b.buffer, b.byteOffset);
    const code = dv.getUint16(at, true);
    const len = dv.getUint16(at + 2, true);
    swap16(b, at);
    swap16(b, at + 2);
    if (code === 0) return;
    const kind = NUMERIC_OPTIONS[blockType]?.[code];
    if (kind === 'u32') swap32(b, at + 4);
    else if (kind === 'u64') swap64(b, at + 4);
    else if (code === 2988 || code === 2989 || code === 19372 || code === 19373) swap32(b, at + 4); // the PEN
    at += 4 + ((len + 3) & ~3);
  }
}

export function toBigEndian(le: Uint8Array): Uint8Array {
  const b = new Uint8Array(le);
  const dv = new DataView(b.buffer);
  let p = 0;
  while (p + 12 <= b.length) {
    const type = dv.getUint32(p, true);
    const len = dv.getUint32(p + 4, true);
    if (len < 12 || p + len > b.length) break;
    const body = p + 8;
    const end = p + len - 4;
    switch (type) {
      case 0x0a0d0d0a:
        swap32(b, body);
        swap16(b, body + 4);
        swap16(b, body + 6);
        swap64(b, body + 8);
        swapOptions(b, body + 16, end, type);
        break;
      case 1:
        swap16(b, body);
        swap16(b, body + 2);
        swap32(b, body + 4);
        swapOptions(b, body + 8, end, type);
        break;
      case 6: {
        const cap = dv.getUint32(body + 12, true);
        for (let i = 0; i < 20; i += 4) swap32(b, body + i);
        swapOptions(b, body + 20 + ((cap + 3) & ~3), end, type);
        break;
      }
      case 0xbad:
      case 0x40000bad:
        swap32(b, body);
        break;
      default:
        break;
    }
    swap32(b, p);
    swap32(b, p + 4);
    swap32(b, p + len - 4);
    p += len;
  }
  return b;
}
