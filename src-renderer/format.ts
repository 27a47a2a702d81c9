/** How numbers, times and sizes are written everywhere in the console. */

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Local wall-clock time with milliseconds: 14:03:07.412 */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** 512 B, 1.5 KiB, 3.2 MiB */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '–';
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** 850 µs, 12.3 ms, 1.25 s */
export function formatMs(ms: number | undefined | null): string {
  if (ms == null || !Number.isFinite(ms)) return '';
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** 1.2 k, 3.4 M */
export function formatRate(n: number): string {
  if (!Number.isFinite(n)) return '–';
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return n < 10 ? n.toFixed(1) : String(Math.round(n));
}

export const formatPercent = (x: number, digits = 1): string => (Number.isFinite(x) ? `${(x * 100).toFixed(digits)} %` : '–');

/** A span of time for people: 45s, 4m 05s, 2h 03m, 3d 4h. */
export function formatSpan(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

/** "expires in 4m 05s" / "expired 30s ago" for a token's `exp` (ms since the epoch). */
export function formatExpiry(expiresAt: number, now: number): { text: string; expired: boolean } {
  const left = expiresAt - now;
  return left > 0 ? { text: `expires in ${formatSpan(left)}`, expired: false } : { text: `expired ${formatSpan(-left)} ago`, expired: true };
}

/**
 * A JSON-like value on one line, cut to `max` characters. It walks only as
 * far as it prints (JSON.stringify would serialise a 100 000-key state
 * first, values and all, for every collapsed node drawn).
 */
export function preview(value: unknown, max = 80): string {
  let out = '';
  const seen = new Set<object>();
  const add = (s: string): boolean => {
    out += s;
    return out.length <= max;
  };
  const walk = (v: unknown): boolean => {
    if (v === undefined) return add('undefined');
    if (typeof v === 'string') return add(JSON.stringify(v.length > max ? v.slice(0, max) : v));
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return add(String(v));
    if (v === null) return add('null');
    if (typeof v !== 'object') return add(typeof v);
    if (seen.has(v)) return add('[circular]');
    seen.add(v);
    if (Array.isArray(v)) {
      if (!add('[')) return false;
      for (let i = 0; i < v.length; i++) if ((i > 0 && !add(',')) || !walk(v[i])) return false;
      return add(']');
    }
    if (!add('{')) return false;
    // Object.keys, not for…in: for…in over a dictionary-mode object of 200 000 keys is ~100× slower.
    const keys = Object.keys(v);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if ((i > 0 && !add(',')) || !add(`${JSON.stringify(k)}:`) || !walk((v as Record<string, unknown>)[k])) return false;
    }
    return add('}');
  };
  walk(value);
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}
