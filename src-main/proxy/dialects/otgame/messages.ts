/**
 * Names and fields of the messages in one decoded frame. A frame may batch
 * several messages (Canary appends to one output buffer per dispatcher
 * tick); they are walked while each one's decoder reaches its end. The
 * first message names the record; the others follow in `body.then`.
 * Unknown opcodes are named UNKNOWN_0x.. and flagged, never an error.
 */
import { type Dir } from '../../../../src-shared/records';
import { fieldDecoder, type FieldContext } from './fields';
import { opcodeName, type Service } from './opcodes';
import { FieldError, opHex, Reader } from './reader';

export interface NamedMessage {
  readonly type: string;
  /** The first opcode, or -1 for an empty message. */
  readonly code: number;
  readonly body: Record<string, unknown>;
  readonly flags: string[];
}

/** At most this many batched messages are listed per frame (a map burst can hold hundreds). */
const MAX_LISTED = 64;

export function nameMessages(service: Service, dir: Dir, payload: Uint8Array, ctx: FieldContext): NamedMessage {
  if (payload.length === 0) return { type: 'EMPTY', code: -1, body: {}, flags: [] };
  const r = new Reader(payload);
  const flags: string[] = [];
  const listed: Record<string, unknown>[] = [];
  let first: { type: string; code: number } | undefined;
  while (r.left > 0) {
    const at = r.pos;
    const code = r.u8();
    const type = opcodeName(service, dir, code);
    first ??= { type, code };
    const entry: Record<string, unknown> = { op: opHex(code), type };
    if (listed.length < MAX_LISTED) listed.push(entry);
    const decode = fieldDecoder(service, dir, code);
    if (!decode) {
      if (!flags.includes('UNKNOWN_OPCODE') && type.startsWith('UNKNOWN_')) flags.push('UNKNOWN_OPCODE');
      entry.undecoded = `${r.left} byte(s) from offset ${r.pos} (no field layout for ${opHex(code)})`;
      break;
    }
    try {
      const { fields, complete } = decode(r, ctx);
      Object.assign(entry, fields);
      if (!complete) {
        if (r.left > 0) entry.undecoded = `${r.left} byte(s) from offset ${r.pos} (layout depends on the client's assets or version)`;
        break;
      }
    } catch (e) {
      if (!(e instanceof FieldError)) throw e;
      flags.push('TRUNCATED_FIELD');
      entry.truncated = `${e.message} (message started at offset ${at})`;
      break;
    }
  }
  if (listed.length > 1) flags.push('MULTI');
  const [head, ...rest] = listed;
  const { op: _op, type: _type, ...fields } = head!;
  const body: Record<string, unknown> = { op: head!.op, ...fields };
  if (rest.length) body.then = rest;
  return { type: first!.type, code: first!.code, body, flags };
}
