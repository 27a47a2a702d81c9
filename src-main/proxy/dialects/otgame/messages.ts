/**
 * Names and fields of the messages in one decoded frame. A frame may batch
 * several messages (Canary appends to one output buffer per dispatcher
 * tick); they are walked while each one's decoder reaches its end. The
 * first message names the record; the others follow in `body.then`.
 * Unknown opcodes are named UNKNOWN_0x.. and flagged, never an error.
 */
import { type Dir } from '../../../../src-shared/records';
import { fieldDecoder, type FieldContext, type Fields } from './fields';
import { fixedSizes, type FixedSizes } from './fixed-sizes';
import { isKnownOpcode, opcodeName, type Service } from './opcodes';
import { FieldError, opHex, Reader } from './reader';

export interface NamedMessage {
  readonly type: string;
  /** The first opcode, or -1 for an empty message. */
  readonly code: number;
  readonly body: Record<string, unknown>;
  readonly flags: string[];
}

/** One reader for every call: nameMessages and walkMessages are synchronous and never re-entered. */
const READER = new Reader(new Uint8Array(0));

/** At most this many batched messages are listed per frame (a map burst can hold hundreds). */
const MAX_LISTED = 64;

/** `flags`: an array to add the message flags to (the caller's own, to save one per frame); also returned. */
export function nameMessages(service: Service, dir: Dir, payload: Uint8Array, ctx: FieldContext, flags: string[] = []): NamedMessage {
  if (payload.length === 0) return { type: 'EMPTY', code: -1, body: {}, flags };
  const r = READER;
  r.reset(payload);
  const code = payload[0]!;
  const type = opcodeName(service, dir, code);
  // The first message's fields are the body; later ones go to body.then with their type.
  let body: Fields = { op: opHex(code) };
  let then: Fields[] | undefined;
  let entry = body;
  let op = code;
  let count = 0;
  for (;;) {
    r.pos++;
    count++;
    const decode = fieldDecoder(service, dir, op);
    if (!decode) {
      if (!isKnownOpcode(service, dir, op) && !flags.includes('UNKNOWN_OPCODE')) flags.push('UNKNOWN_OPCODE');
      if (r.left > 0) entry.undecoded = `${r.left} byte(s) from offset ${r.pos} (no field layout for ${opHex(op)})`;
      break;
    }
    const at = r.pos - 1;
    try {
      // The decoder writes straight into the entry: no object of its own, no copy.
      if (!decode(r, ctx, entry)) {
        if (r.left > 0) entry.undecoded = `${r.left} byte(s) from offset ${r.pos} (layout depends on the client's assets or version)`;
        break;
      }
    } catch (e) {
      if (!(e instanceof FieldError)) throw e;
      flags.push('TRUNCATED_FIELD');
      // What the decoder wrote before the field ran out is dropped: the entry keeps only its name and where it broke.
      const cut: Fields = entry === body ? { op: entry.op } : { op: entry.op, type: entry.type };
      cut.truncated = `${e.message} (message started at offset ${at})`;
      if (entry === body) body = cut;
      else if (then && then[then.length - 1] === entry) then[then.length - 1] = cut;
      break;
    }
    if (r.left === 0) break;
    op = payload[r.pos]!;
    entry = { op: opHex(op), type: opcodeName(service, dir, op) };
    if (count < MAX_LISTED) (then ??= []).push(entry);
  }
  if (count > 1) {
    flags.push('MULTI');
    if (then) body.then = then;
  }
  return { type, code, body, flags };
}

/**
 * The flags nameMessages would add (UNKNOWN_OPCODE, TRUNCATED_FIELD, MULTI),
 * without building the body: the proxy needs every message's name and
 * flags at once, its fields only when someone looks (OtMessage.body). The
 * same decoders run with the reader walking (text skipped, not made into
 * strings) into throwaway entries, so they stop where a full decode stops.
 * Per small message this is most of what decoding fields cost beyond XTEA
 * (bench/otgame.bench.ts).
 */
export function walkMessages(service: Service, dir: Dir, payload: Uint8Array, ctx: FieldContext, flags: string[]): void {
  if (payload.length === 0) return;
  const fixed = sizesFor(service, dir, ctx);
  const n = payload.length;
  let pos = 0;
  let count = 0;
  for (;;) {
    const op = payload[pos++]!;
    count++;
    // Fixed-size messages (most small updates): stepped over by their size, truncated exactly when the decoder would throw.
    const size = fixed.size[op]!;
    if (size >= 0) {
      if (n - pos < size) {
        flags.push('TRUNCATED_FIELD');
        break;
      }
      pos += size;
      if (fixed.complete[op] === 0 || pos === n) break;
      continue;
    }
    const decode = fieldDecoder(service, dir, op);
    if (!decode) {
      if (!isKnownOpcode(service, dir, op) && !flags.includes('UNKNOWN_OPCODE')) flags.push('UNKNOWN_OPCODE');
      break;
    }
    const r = READER;
    r.reset(payload, pos);
    r.walking = true;
    let complete: boolean;
    try {
      complete = decode(r, ctx, {});
    } catch (e) {
      if (!(e instanceof FieldError)) throw e;
      flags.push('TRUNCATED_FIELD');
      break;
    } finally {
      r.walking = false;
    }
    pos = r.pos;
    if (!complete || pos === n) break;
  }
  if (count > 1) flags.push('MULTI');
}

/** The last table used per direction: sessions keep one FieldContext per protocol version, so this is nearly always a hit. */
const lastSizes: Record<Dir, { service: Service | null; ctx: FieldContext | null; sizes: FixedSizes | null }> = {
  c2s: { service: null, ctx: null, sizes: null },
  s2c: { service: null, ctx: null, sizes: null },
};

function sizesFor(service: Service, dir: Dir, ctx: FieldContext): FixedSizes {
  const last = lastSizes[dir];
  if (last.ctx !== ctx || last.service !== service || !last.sizes) {
    last.ctx = ctx;
    last.service = service;
    last.sizes = fixedSizes(service, dir, ctx);
  }
  return last.sizes;
}
