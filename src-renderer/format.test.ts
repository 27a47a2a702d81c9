import { describe, expect, it } from 'vitest';
import { formatBytes, formatClock, formatExpiry, formatMs, formatPercent, formatRate, formatSpan, preview } from './format';
import { hexByteCount, hexLines } from './hex';

describe('format', () => {
  it('bytes, durations, rates, percentages', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 1024 ** 2)).toBe('3.0 MiB');
    expect(formatBytes(NaN)).toBe('–');
    expect(formatMs(undefined)).toBe('');
    expect(formatMs(0.85)).toBe('850 µs');
    expect(formatMs(4.5)).toBe('4.50 ms');
    expect(formatMs(12.34)).toBe('12.3 ms');
    expect(formatMs(250)).toBe('250 ms');
    expect(formatMs(1250)).toBe('1.25 s');
    expect(formatRate(7.25)).toBe('7.3');
    expect(formatRate(950)).toBe('950');
    expect(formatRate(12_345)).toBe('12.3 k');
    expect(formatRate(2_500_000)).toBe('2.5 M');
    expect(formatPercent(0.0012, 2)).toBe('0.12 %');
  });

  it('clock time with milliseconds', () => {
    const t = new Date(2026, 0, 2, 3, 4, 5, 67).getTime();
    expect(formatClock(t)).toBe('03:04:05.067');
  });

  it('spans and token expiry', () => {
    expect(formatSpan(45_000)).toBe('45s');
    expect(formatSpan(245_000)).toBe('4m 05s');
    expect(formatSpan(2 * 3600_000 + 180_000)).toBe('2h 03m');
    expect(formatSpan(3 * 86400_000 + 4 * 3600_000)).toBe('3d 4h');
    expect(formatExpiry(10_000 + 245_000, 10_000)).toEqual({ text: 'expires in 4m 05s', expired: false });
    expect(formatExpiry(10_000, 40_000)).toEqual({ text: 'expired 30s ago', expired: true });
  });

  it('previews a huge value by its first entries, never touching the rest', () => {
    const touched: number[] = [];
    const big = Array.from({ length: 100_000 }, (_, i) => ({
      get v() {
        touched.push(i);
        return i;
      },
    }));
    expect(preview(big, 20)).toBe('[{"v":0},{"v":1},{"…');
    expect(touched).toEqual([0, 1]);
  });

  it('previews any value on one line, cut short', () => {
    expect(preview({ a: [1, 2] })).toBe('{"a":[1,2]}');
    expect(preview('x'.repeat(100), 10)).toBe('"xxxxxxxx…');
    expect(preview(undefined)).toBe('undefined');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(preview(cyclic)).toBe('{"self":[circular]}');
    expect(preview([1, 'a', null, true, { b: undefined }])).toBe('[1,"a",null,true,{"b":undefined}]');
    expect(preview(12n)).toBe('12');
  });
});

describe('hexLines', () => {
  it('lays out offset, two groups of eight and ASCII', () => {
    const hex = Buffer.from('UP/2.0 hello, world!\x00\x01').toString('hex');
    const lines = hexLines(hex);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual({ offset: '00000000', hex: '55 50 2f 32 2e 30 20 68  65 6c 6c 6f 2c 20 77 6f', ascii: 'UP/2.0 hello, wo' });
    expect(lines[1]!.offset).toBe('00000010');
    expect(lines[1]!.ascii).toBe('rld!..');
    expect(lines[1]!.hex.startsWith('72 6c 64 21 00 01')).toBe(true);
    expect(lines[1]!.hex).toHaveLength(lines[0]!.hex.length);
  });

  it('copes with empty, odd-length and non-hex input', () => {
    expect(hexLines('')).toEqual([]);
    expect(hexByteCount('abc')).toBe(1);
    expect(hexByteCount('zz00')).toBe(0);
    expect(hexLines('41x42')).toEqual([{ offset: '00000000', hex: expect.stringMatching(/^41 /), ascii: 'A' }]);
  });

  it('stops at maxLines for huge messages', () => {
    expect(hexLines('00'.repeat(1 << 16), 10)).toHaveLength(10);
  });
});
