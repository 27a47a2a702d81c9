/**
 * Which messages always have the same length, learnt from the field
 * decoders themselves: each decoder is run (reader walking) over probe
 * buffers of different contents; an opcode whose decoder reads the same
 * number of bytes from every probe (and from every shorter or longer cut of
 * them: some decoders read a trailing field only when bytes are left),
 * never fails on a long one and always ends the same way has a fixed size. walkMessages then steps over such a message by its
 * size — a bounds check instead of a decoder call with its objects — and
 * flags a truncated one exactly where the decoder would have failed (its
 * reads do not depend on the bytes, so it fails iff fewer bytes are left).
 * A table per direction and protocol version (some layouts change with
 * the version), built once, on first use.
 *
 * Learnt rather than written down so it cannot drift from fields.ts;
 * parsers.test.ts checks walk and decode agree on random batches.
 */
import { type Dir } from '../../../../src-shared/records';
import { fieldDecoder, type FieldContext } from './fields';
import { type Service } from './opcodes';
import { Reader } from './reader';

/** Per opcode: bytes after the opcode byte, or -1 when that varies (or the opcode has no decoder). */
export interface FixedSizes {
  readonly size: Int16Array;
  /** 1 when the decoder reads the whole message (the next batched one follows), 0 when it stops after a prefix. */
  readonly complete: Uint8Array;
}

const PROBE_BYTES = 1024;

/** Probe contents: all zeros, all ones, a few bytes that mean something to decoders (0xFF markers, small counts), then random. */
function probes(): Uint8Array[] {
  const out = [0x00, 0xff, 0x01, 0x7f, 0x80, 0x17, 0x1a].map((b) => new Uint8Array(PROBE_BYTES).fill(b));
  let x = 0x2545f491;
  for (let i = 0; i < 24; i++) {
    const p = new Uint8Array(PROBE_BYTES);
    for (let j = 0; j < p.length; j++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      // Mostly small values, so that length fields sometimes fit the probe and variable layouts show they vary.
      p[j] = j % 2 === 1 && x & 1 ? 0 : (x >>> 8) & (x & 2 ? 0x0f : 0xff);
    }
    out.push(p);
  }
  return out;
}

let PROBES: Uint8Array[] | undefined;

function learn(service: Service, dir: Dir, ctx: FieldContext): FixedSizes {
  PROBES ??= probes();
  const size = new Int16Array(256).fill(-1);
  const complete = new Uint8Array(256);
  const r = new Reader(new Uint8Array(0));
  r.walking = true;
  for (let op = 0; op < 256; op++) {
    const decode = fieldDecoder(service, dir, op);
    if (!decode) continue;
    let n = -1;
    let done: boolean | undefined;
    let fixed = true;
    for (const p of PROBES) {
      r.reset(p);
      let ok: boolean;
      try {
        ok = decode(r, ctx, {});
      } catch {
        fixed = false;
        break;
      }
      if ((n >= 0 && r.pos !== n) || (done !== undefined && ok !== done)) {
        fixed = false;
        break;
      }
      n = r.pos;
      done = ok;
    }
    // Some decoders look at how much is left (an optional trailing field): the size must hold at every length too —
    // a shorter message fails, a longer one is read to the same point.
    for (let len = 0; fixed && n >= 0 && len <= n + 8; len++) {
      for (let i = 0; fixed && i < 4; i++) {
        r.reset(PROBES[i * 9]!.subarray(0, len));
        let ok: boolean | undefined;
        try {
          ok = decode(r, ctx, {});
        } catch {
          ok = undefined;
        }
        fixed = len < n ? ok === undefined : ok === done && r.pos === n;
      }
    }
    if (fixed && n >= 0) {
      size[op] = n;
      complete[op] = done ? 1 : 0;
    }
  }
  return { size, complete };
}

const CACHE = new Map<string, FixedSizes>();

/** The fixed sizes for one service, direction and protocol version (0: the current layouts). */
export function fixedSizes(service: Service, dir: Dir, ctx: FieldContext): FixedSizes {
  const key = `${service}:${dir}:${ctx.version}`;
  let t = CACHE.get(key);
  if (!t) {
    t = learn(service, dir, ctx);
    CACHE.set(key, t);
  }
  return t;
}
