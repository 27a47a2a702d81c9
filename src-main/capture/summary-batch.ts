/**
 * The summaries of a run of records, column by column — typed arrays for
 * the numbers, arrays of shared strings for the names — for passes over
 * millions of rows (counting, filtering, a table's rows) that need no
 * object per record. `summary(i)` and the reader's `get(id)` give a row as
 * an object when one is wanted.
 *
 * Making a CapturedRecord per record cost about as much again as reading
 * its summary from the file; these columns cost a few stores.
 */
import { type Dir, type MessageSummary } from '../../src-shared/records';
import { type Endpoint } from './ip';
import { type PduKind } from './pdu/types';
import { PDU_KINDS } from './summary-record';

export class SummaryBatch {
  /** Rows in this batch (the columns may be longer). */
  length = 0;
  readonly id: Float64Array;
  /** ms since the epoch. */
  readonly time: Float64Array;
  readonly session: Uint32Array;
  readonly code: Uint16Array;
  /** NaN where the record has none (null in its summary). */
  readonly seq: Float64Array;
  readonly ref: Float64Array;
  /** NaN where the record has none (absent from its summary). */
  readonly latencyMs: Float64Array;
  readonly pairId: Float64Array;
  readonly wireSize: Uint32Array;
  readonly bodySize: Uint32Array;
  /** 0 c2s, 1 s2c. */
  readonly s2c: Uint8Array;
  /** What the stored PDU is: 0 none, 1 plain, 2 wire. */
  readonly pduKind: Uint8Array;
  /** Where the record lies: part file number and block offset. */
  readonly part: Uint16Array;
  readonly offset: Float64Array;
  readonly dialect: string[];
  readonly type: string[];
  /** Shared, frozen arrays: rows with the same flags have the same array. */
  readonly flags: (readonly string[])[];
  readonly error: (string | undefined)[];
  readonly faults: (readonly string[] | undefined)[];
  readonly src: (Endpoint | undefined)[];
  readonly dst: (Endpoint | undefined)[];

  constructor(capacity: number) {
    this.id = new Float64Array(capacity);
    this.time = new Float64Array(capacity);
    this.session = new Uint32Array(capacity);
    this.code = new Uint16Array(capacity);
    this.seq = new Float64Array(capacity);
    this.ref = new Float64Array(capacity);
    this.latencyMs = new Float64Array(capacity);
    this.pairId = new Float64Array(capacity);
    this.wireSize = new Uint32Array(capacity);
    this.bodySize = new Uint32Array(capacity);
    this.s2c = new Uint8Array(capacity);
    this.pduKind = new Uint8Array(capacity);
    this.part = new Uint16Array(capacity);
    this.offset = new Float64Array(capacity);
    this.dialect = new Array<string>(capacity);
    this.type = new Array<string>(capacity);
    this.flags = new Array<readonly string[]>(capacity);
    this.error = new Array<string | undefined>(capacity);
    this.faults = new Array<readonly string[] | undefined>(capacity);
    this.src = new Array<Endpoint | undefined>(capacity);
    this.dst = new Array<Endpoint | undefined>(capacity);
  }

  dir(i: number): Dir {
    return this.s2c[i] ? 's2c' : 'c2s';
  }

  pdu(i: number): PduKind {
    return PDU_KINDS[this.pduKind[i]!]!;
  }

  /** Row i as the MessageSummary a CapturedRecord's summary() gives. */
  summary(i: number): MessageSummary {
    const s: { -readonly [K in keyof MessageSummary]: MessageSummary[K] } = {
      id: this.id[i]!,
      session: this.session[i]!,
      dir: this.dir(i),
      time: this.time[i]!,
      dialect: this.dialect[i]!,
      type: this.type[i]!,
      code: this.code[i]!,
      seq: orNull(this.seq[i]!),
      ref: orNull(this.ref[i]!),
      flags: this.flags[i]!,
      wireSize: this.wireSize[i]!,
      bodySize: this.bodySize[i]!,
    };
    if (!Number.isNaN(this.latencyMs[i]!)) s.latencyMs = this.latencyMs[i]!;
    if (!Number.isNaN(this.pairId[i]!)) s.pairId = this.pairId[i]!;
    if (this.error[i] !== undefined) s.error = this.error[i];
    if (this.faults[i] !== undefined) s.faults = this.faults[i];
    return s;
  }
}

const orNull = (x: number): number | null => (Number.isNaN(x) ? null : x);
