/**
 * A decoded game message whose fields are read only when someone asks.
 *
 * Every message needs its name and flags at once (filters, metrics, fault
 * rules, the records' summaries); its fields are for a person looking at
 * one message. Building them for every message — strings for each chat
 * line, an object per position — cost more than all the rest of the
 * dialect's own work on small messages (bench/otgame.bench.ts), so the
 * session only walks the fields (walkMessages: where each batched message
 * ends, which flags apply) and `body` decodes them on first read, from
 * `plain`, which never changes once handed out (frame.ts's slab views).
 */
import { type Dir } from '../../../../src-shared/records';
import { type ProxyMessage } from '../../dialect';
import { type FieldContext } from './fields';
import { type FrameState } from './frame';
import { nameMessages } from './messages';
import { type Service } from './opcodes';

export class OtMessage implements ProxyMessage {
  readonly ref = null;
  readonly forward = true;
  error: string | undefined;
  requestKey: string | undefined;
  answers: string | undefined;
  #body: Record<string, unknown> | undefined;
  readonly #service: Service;
  readonly #fields: FieldContext;

  constructor(
    readonly dir: Dir,
    readonly type: string,
    readonly code: number,
    readonly seq: number | null,
    readonly flags: string[],
    readonly wire: Uint8Array,
    readonly plain: Uint8Array,
    readonly state: FrameState,
    readonly compressed: boolean,
    service: Service,
    fields: FieldContext,
  ) {
    this.#service = service;
    this.#fields = fields;
  }

  /** What encode() and corruptBody() need to rebuild the frame (state, seq, compressed) is on the message itself: no meta object per message. */
  get meta(): this {
    return this;
  }

  /** The fields of the frame's messages (the first one's, then the rest in `then`), decoded on first read and kept. */
  get body(): Record<string, unknown> {
    // The flags were set by the walk, which stops where this decode stops: a throwaway array takes the copies.
    this.#body ??= nameMessages(this.#service, this.dir, this.plain, this.#fields, []).body;
    return this.#body;
  }
}
