/** A record read back from a capture: the MessageRecord, where it lies, and its body parsed only when asked for. */
import { type Dir, type MessageRecord, type MessageSummary } from '../../src-shared/records';
import { summaryOf } from '../proxy/records';
import { type Endpoint } from './ip';
import { pduCodecFor } from './pdu/index';
import { type PduKind } from './pdu/types';

const UNPARSED = Symbol('unparsed');

export interface CapturedRecordInit extends MessageSummary {
  readonly plain?: Uint8Array;
  readonly wire?: Uint8Array;
  readonly part: number;
  readonly offset: number;
  readonly pdu: PduKind;
  readonly src?: Endpoint;
  readonly dst?: Endpoint;
  /** The body as stored JSON, for dialects that store it beside the PDU. */
  readonly bodyJson?: Uint8Array;
}

export class CapturedRecord implements MessageRecord {
  readonly id: number;
  readonly session: number;
  readonly dir: Dir;
  readonly time: number;
  readonly dialect: string;
  readonly type: string;
  readonly code: number;
  readonly seq: number | null;
  readonly ref: number | null;
  readonly flags: readonly string[];
  readonly wireSize: number;
  readonly bodySize: number;
  readonly latencyMs?: number;
  readonly pairId?: number;
  readonly error?: string;
  readonly faults?: readonly string[];
  readonly plain?: Uint8Array;
  readonly wire?: Uint8Array;
  /** Part file number and block offset in it. */
  readonly part: number;
  readonly offset: number;
  /** What the stored PDU is: the decrypted frame, the wire frame, or nothing. */
  readonly pdu: PduKind;
  readonly src?: Endpoint;
  readonly dst?: Endpoint;
  #bodyJson: Uint8Array | undefined;
  #body: unknown = UNPARSED;

  // Every field is assigned, present or not, so that all records share one shape (V8 keeps property access fast).
  constructor(init: CapturedRecordInit) {
    this.id = init.id;
    this.session = init.session;
    this.dir = init.dir;
    this.time = init.time;
    this.dialect = init.dialect;
    this.type = init.type;
    this.code = init.code;
    this.seq = init.seq;
    this.ref = init.ref;
    this.flags = init.flags;
    this.wireSize = init.wireSize;
    this.bodySize = init.bodySize;
    this.latencyMs = init.latencyMs;
    this.pairId = init.pairId;
    this.error = init.error;
    this.faults = init.faults;
    this.plain = init.plain;
    this.wire = init.wire;
    this.part = init.part;
    this.offset = init.offset;
    this.pdu = init.pdu;
    this.src = init.src;
    this.dst = init.dst;
    this.#bodyJson = init.bodyJson;
  }

  /** The decoded body (UP/2.0: the JSON object), parsed on first access; undefined when there is none or it does not parse. */
  get body(): unknown {
    if (this.#body === UNPARSED) {
      const codec = pduCodecFor(this.dialect);
      if (this.#bodyJson) this.#body = parseJson(this.#bodyJson);
      else if (this.plain && codec.parseBody) this.#body = codec.parseBody(this.plain);
      else this.#body = undefined;
    }
    return this.#body;
  }

  /** The row without bytes or body, as a plain object. */
  summary(): MessageSummary {
    return summaryOf(this);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseJson(b: Uint8Array): unknown {
  try {
    return JSON.parse(utf8.decode(b)) as unknown;
  } catch {
    return undefined;
  }
}
