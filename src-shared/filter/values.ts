/**
 * Number literals of the filter language: plain integers (decimal or 0x…),
 * sizes with byte units and durations with time units. Each parser returns
 * the value or a message saying what was expected; the caller adds the
 * offset.
 */

export type Parsed = { ok: true; value: number } | { ok: false; message: string };

const fail = (message: string): Parsed => ({ ok: false, message });

/** Binary multiples, as a network tool counts: 1k = 1024 bytes. */
const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/** Milliseconds per unit; a bare number is milliseconds. */
const TIME_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  min: 60_000,
};

const DECIMAL = /^(\d+(?:\.\d+)?|\.\d+)([a-zµμ]*)$/i;

function withUnit(text: string, units: Readonly<Record<string, number>>, what: string): Parsed {
  const m = DECIMAL.exec(text);
  if (!m) return fail(`expected ${what}, got "${text}"`);
  const unit = m[2]!.toLowerCase();
  const scale = Object.hasOwn(units, unit) ? units[unit] : undefined;
  if (scale === undefined) {
    return fail(`unknown unit "${m[2]}" in "${text}": use ${Object.keys(units).filter(Boolean).join(', ')}`);
  }
  const value = Number(m[1]) * scale;
  if (!Number.isFinite(value) || value > Number.MAX_SAFE_INTEGER) return fail(`"${text}" is too large`);
  return { ok: true, value };
}

/** A byte count: `512`, `1k`, `1.5kb`, `2m`, `1gib`. */
export const parseSize = (text: string): Parsed => withUnit(text, SIZE_UNITS, 'a size such as 512, 1k or 2mb');

/** A duration in milliseconds: `20`, `20ms`, `1.5s`, `500us`. */
export const parseDuration = (text: string): Parsed => withUnit(text, TIME_UNITS, 'a duration such as 20ms, 1s or 500us');

/** A whole number ≥ 0, decimal or hexadecimal (`0x1f`). */
export function parseInteger(text: string): Parsed {
  let value: number;
  if (/^0x[0-9a-f]+$/i.test(text)) value = Number.parseInt(text.slice(2), 16);
  else if (/^\d+$/.test(text)) value = Number(text);
  else if (/^\d*\.\d+$|^\d+\.\d*$/.test(text)) return fail(`expected a whole number, got "${text}"`);
  else return fail(`expected a number such as 42 or 0x2a, got "${text}"`);
  if (!Number.isSafeInteger(value)) return fail(`"${text}" is too large`);
  return { ok: true, value };
}
