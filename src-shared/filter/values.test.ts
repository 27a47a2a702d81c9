import { describe, expect, it } from 'vitest';
import { parseDuration, parseInteger, parseSize } from './values';

const ok = (value: number) => ({ ok: true, value });

describe('parseSize', () => {
  it.each([
    ['0', 0],
    ['512', 512],
    ['512b', 512],
    ['1k', 1024],
    ['1K', 1024],
    ['1kb', 1024],
    ['1KiB', 1024],
    ['1.5k', 1536],
    ['2m', 2 * 1024 * 1024],
    ['2mb', 2 * 1024 * 1024],
    ['1g', 1024 ** 3],
    ['.5k', 512],
  ])('%s = %d bytes', (text, bytes) => {
    expect(parseSize(text)).toEqual(ok(bytes));
  });

  it.each(['', 'k', '1q', '1kbb', '-1', '1..2', '1e3', 'abc', '1 k', '0x10'])('refuses %j', (text) => {
    const r = parseSize(text);
    expect(r.ok).toBe(false);
  });

  it('names the unknown unit and the ones it knows', () => {
    const r = parseSize('3xb');
    expect(r).toMatchObject({ ok: false });
    if (!r.ok) expect(r.message).toMatch(/unknown unit "xb".*k, kb/);
  });

  it('refuses sizes beyond the safe integer range', () => {
    expect(parseSize('99999999999999999999g').ok).toBe(false);
    expect(parseSize('9'.repeat(400)).ok).toBe(false);
  });

  it('does not treat inherited object keys as units', () => {
    expect(parseSize('1constructor').ok).toBe(false);
    expect(parseSize('1__proto__').ok).toBe(false);
  });
});

describe('parseDuration', () => {
  it.each([
    ['20', 20],
    ['20ms', 20],
    ['1s', 1000],
    ['1.5s', 1500],
    ['500us', 0.5],
    ['500µs', 0.5],
    ['2m', 120_000],
    ['1min', 60_000],
    ['1000000ns', 1],
  ])('%s = %d ms', (text, ms) => {
    expect(parseDuration(text)).toEqual(ok(ms));
  });

  it.each(['', 'ms', '1h', '5kg', '-3ms', '1ms5'])('refuses %j', (text) => {
    expect(parseDuration(text).ok).toBe(false);
  });
});

describe('parseInteger', () => {
  it.each([
    ['0', 0],
    ['42', 42],
    ['0x2a', 42],
    ['0X2A', 42],
    ['007', 7],
  ])('%s = %d', (text, n) => {
    expect(parseInteger(text)).toEqual(ok(n));
  });

  it.each(['', '-1', '1.5', '0x', '0xg', '1k', 'abc', '1e3', '9007199254740993', '0x' + 'f'.repeat(20)])('refuses %j', (text) => {
    expect(parseInteger(text).ok).toBe(false);
  });

  it('says a fraction is not a whole number', () => {
    const r = parseInteger('3.5');
    if (r.ok) throw new Error('expected a failure');
    expect(r.message).toMatch(/whole number/);
  });
});
