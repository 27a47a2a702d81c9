/**
 * The last N message records, by id, for the UI's detail pane and its
 * paging; older ones are read back from the capture.
 *
 * Kept compact rather than as the record objects themselves: the summary
 * fields live in typed-array columns, names as indexes into small tables,
 * and the wire and plaintext bytes in one byte ring. A store of objects
 * (record, two byte views, the parsed body) kept every message alive past
 * the young-generation collections, which then copied and promoted them
 * all — on the relay under load that was a third of its CPU (see
 * docs/benchmarks.md, bench:proxy). Here a message leaves no object behind.
 *
 * get() builds a record again on demand: bytes copied out of the ring (the
 * record owns them; the ring moves on), the body rebuilt from the plaintext
 * by the dialect when asked (`reviveBody`), or kept as the object for the
 * few messages whose body cannot be rebuilt (the dialect did not mark it).
 */
import type { MessageRecord, MessageSummary } from '../../src-shared/records';

/** The summary of a record: its fields without the body and bytes (which are not read, so a lazy body stays unbuilt). */
export function summaryOf(r: MessageSummary): MessageSummary {
  const s: { -readonly [K in keyof MessageSummary]: MessageSummary[K] } = {
    id: r.id,
    session: r.session,
    dir: r.dir,
    time: r.time,
    dialect: r.dialect,
    type: r.type,
    code: r.code,
    seq: r.seq,
    ref: r.ref,
    flags: r.flags,
    wireSize: r.wireSize,
    bodySize: r.bodySize,
  };
  if (r.latencyMs !== undefined) s.latencyMs = r.latencyMs;
  if (r.pairId !== undefined) s.pairId = r.pairId;
  if (r.error !== undefined) s.error = r.error;
  if (r.faults !== undefined) s.faults = r.faults;
  return s;
}

/** Rebuilds the body a record had from its plaintext (the dialect's parser, with its redaction). */
export type ReviveBody = (summary: MessageSummary, plain: Uint8Array) => unknown;

export interface RecordStoreOptions {
  /** Most bytes (wire + plaintext) held; the oldest records go first when it is full (default 64 MiB). */
  readonly keepBytes?: number;
  readonly reviveBody?: ReviveBody;
}

/** What a record rarely has, kept per slot outside the columns. */
interface Extras {
  error?: string;
  faults?: readonly string[];
  body?: unknown;
  /** Bytes too big for the ring. */
  wire?: Uint8Array;
  plain?: Uint8Array;
  /** A name past the tables' limit. */
  dialect?: string;
  type?: string;
  flags?: readonly string[];
}

/** Field offsets in a row of RecordStore.rows. */
const C = {
  ID: 0, TIME: 1, LATENCY: 2, PAIR: 3, RESPONSE: 4, SEQ: 5, REF: 6, SESSION: 7, CODE: 8,
  WIRE_SIZE: 9, BODY_SIZE: 10, BITS: 11, BYTE_AT: 12, WIRE_LEN: 13, PLAIN_LEN: 14, NAMES: 15,
} as const;
const F = 16;

const Bit = { S2C: 1, WIRE: 2, PLAIN: 4, BODY_FROM_PLAIN: 8, EXTRAS: 16, BODY_KEPT: 32 } as const;
const MAX_NAMES = 0xffff;
const FIRST_RING_BYTES = 1 << 20;
const FIRST_ROWS = 1024;

/** Strings (or flag lists) numbered in order of first sight, up to MAX_NAMES. */
class NameTable<T> {
  readonly values: T[] = [];
  private readonly index = new Map<unknown, number>();

  /** The number of `value` under `key`, or -1 when the table is full. */
  of(key: unknown, value: T): number {
    let i = this.index.get(key);
    if (i === undefined) {
      if (this.values.length >= MAX_NAMES) return -1;
      i = this.values.length;
      this.values.push(value);
      this.index.set(key, i);
    }
    return i;
  }
}

export class RecordStore {
  private firstId = 1;
  private lastId = 0;
  /** Rows allocated: they grow (doubling) up to capacity, so a quiet proxy holds little. */
  private size: number;
  private readonly keepBytes: number;
  private readonly revive: ReviveBody | undefined;
  // Columns, by slot (id % size).
  /**
   * One row of F numbers per slot (id % size), fields at the offsets in C:
   * a record's fields sit side by side (128 bytes), where one array
   * per field cost a cold cache line each per message on a busy relay.
   * Byte positions count bytes ever written (modulo the ring size).
   */
  private rows: Float64Array;
  private readonly extras = new Map<number, Extras>();
  /** Ids of the records whose bytes are kept apart (too big for the ring), oldest first, with their sizes. */
  private readonly apart: number[] = [];
  private readonly apartBytes: number[] = [];
  private apartTotal = 0;
  private readonly dialects = new NameTable<string>();
  private readonly types = new NameTable<string>();
  private readonly flagLists = new NameTable<readonly string[]>();
  private readonly flagArrays = new Map<readonly string[], number>();
  private ring: Uint8Array;
  /** Bytes ever placed in the ring (and skipped at its end): a record's bytes are still there while they start within the last ring.length. */
  private written = 0;

  constructor(
    readonly capacity: number,
    options: RecordStoreOptions = {},
  ) {
    const n = (this.size = Math.min(Math.max(1, capacity), FIRST_ROWS));
    this.keepBytes = Math.max(1024, options.keepBytes ?? 64 << 20);
    this.revive = options.reviveBody;
    this.rows = new Float64Array(n * F);
    for (let i = 0; i < n; i++) this.rows[i * F + C.ID] = NaN;
    this.ring = new Uint8Array(Math.min(FIRST_RING_BYTES, this.keepBytes));
  }

  /**
   * Keeps a record (ids must increase). `bodyFromPlain`: its body is what
   * the store's reviveBody makes of its plaintext, so the object is dropped.
   */
  add(r: MessageRecord, bodyFromPlain = false): void {
    while (this.lastId >= this.firstId && r.id - this.firstId + 1 > this.size && this.size < this.capacity) this.grow();
    const slot = r.id % this.size;
    this.evictTo(r.id - this.size + 1);
    if (this.extras.size > 0) this.extras.delete(slot);
    // Filled only for the rare record that has more than the columns hold (no closure per call: this runs per message).
    let extras: Extras | null = null;
    this.rows[slot * F + C.ID] = r.id;
    this.rows[slot * F + C.TIME] = r.time;
    this.rows[slot * F + C.LATENCY] = r.latencyMs ?? NaN;
    this.rows[slot * F + C.PAIR] = r.pairId ?? NaN;
    this.rows[slot * F + C.RESPONSE] = NaN;
    this.rows[slot * F + C.SEQ] = r.seq ?? NaN;
    this.rows[slot * F + C.REF] = r.ref ?? NaN;
    this.rows[slot * F + C.SESSION] = r.session;
    this.rows[slot * F + C.CODE] = r.code;
    this.rows[slot * F + C.WIRE_SIZE] = r.wireSize;
    this.rows[slot * F + C.BODY_SIZE] = r.bodySize;
    const d = this.dialects.of(r.dialect, r.dialect);
    const t = this.types.of(r.type, r.type);
    const f = this.flagIndex(r.flags);
    // Three 16-bit table numbers in one field (48 bits: exact in a double).
    this.rows[slot * F + C.NAMES] = (d < 0 ? 0 : d) * 0x1_0000_0000 + (t < 0 ? 0 : t) * 0x1_0000 + (f < 0 ? 0 : f);
    if (d < 0) (extras ??= {}).dialect = r.dialect;
    if (t < 0) (extras ??= {}).type = r.type;
    if (f < 0) (extras ??= {}).flags = r.flags;
    let bits = r.dir === 's2c' ? Bit.S2C : 0;
    if (r.error !== undefined) (extras ??= {}).error = r.error;
    if (r.faults !== undefined) (extras ??= {}).faults = r.faults;
    if (r.body !== undefined) {
      if (bodyFromPlain && this.revive && r.plain) bits |= Bit.BODY_FROM_PLAIN;
      else {
        bits |= Bit.BODY_KEPT;
        (extras ??= {}).body = r.body;
      }
    }
    const wire = r.wire;
    const plain = r.plain;
    if (wire) bits |= Bit.WIRE;
    if (plain) bits |= Bit.PLAIN;
    const need = (wire?.length ?? 0) + (plain?.length ?? 0);
    this.rows[slot * F + C.WIRE_LEN] = wire?.length ?? 0;
    this.rows[slot * F + C.PLAIN_LEN] = plain?.length ?? 0;
    const at = need > 0 ? this.reserve(need) : -1;
    if (at < 0) {
      // No bytes, or too many for the ring: nothing in the ring, but a place in its order all the same.
      this.rows[slot * F + C.BYTE_AT] = this.written;
      if (need > 0) {
        if (wire) (extras ??= {}).wire = wire;
        if (plain) (extras ??= {}).plain = plain;
        this.apart.push(r.id);
        this.apartBytes.push(need);
        this.apartTotal += need;
      }
    } else {
      this.rows[slot * F + C.BYTE_AT] = this.written - need;
      if (wire) this.ring.set(wire, at);
      if (plain) this.ring.set(plain, at + (wire?.length ?? 0));
    }
    // The ring holds the last ring.length bytes written: records whose bytes start before them are gone.
    const floor = this.written - this.ring.length;
    while (this.firstId < r.id && this.firstId <= this.lastId && this.startOf(this.firstId) < floor) this.forgetOldest();
    // Records kept apart have a budget of their own, of the same size.
    while (this.apartTotal > this.keepBytes && this.apart.length > 1) this.evictTo(this.apart[0]! + 1);
    if (extras) {
      bits |= Bit.EXTRAS;
      this.extras.set(slot, extras);
    }
    this.rows[slot * F + C.BITS] = bits;
    this.lastId = r.id;
    if (this.firstId > this.lastId) this.firstId = this.lastId;
  }

  /** Notes that `responseId` answered `requestId` (kept while the request is held). */
  linkPair(requestId: number, responseId: number): void {
    const slot = this.slotOf(requestId);
    if (slot >= 0) this.rows[slot * F + C.RESPONSE] = responseId;
  }

  get(id: number): MessageRecord | undefined {
    const slot = this.slotOf(id);
    if (slot < 0) return undefined;
    const r: { -readonly [K in keyof MessageRecord]: MessageRecord[K] } = this.summaryAt(slot, id);
    const bits = this.rows[slot * F + C.BITS]!;
    const x = bits & Bit.EXTRAS ? this.extras.get(slot) : undefined;
    const at = this.rows[slot * F + C.BYTE_AT]! % this.ring.length;
    const wl = this.rows[slot * F + C.WIRE_LEN]!;
    if (bits & Bit.WIRE) r.wire = x?.wire ?? this.ring.slice(at, at + wl);
    if (bits & Bit.PLAIN) r.plain = x?.plain ?? this.ring.slice(at + wl, at + wl + this.rows[slot * F + C.PLAIN_LEN]!);
    if (bits & Bit.BODY_KEPT) r.body = x?.body;
    else if (bits & Bit.BODY_FROM_PLAIN) lazyBody(r, this.revive!, r.plain!);
    return r;
  }

  /** A record's summary alone: no bytes copied out of the ring, no body (what lists and paging need). */
  summary(id: number): MessageSummary | undefined {
    const slot = this.slotOf(id);
    return slot < 0 ? undefined : this.summaryAt(slot, id);
  }

  private summaryAt(slot: number, id: number): { -readonly [K in keyof MessageSummary]: MessageSummary[K] } {
    const bits = this.rows[slot * F + C.BITS]!;
    const x = bits & Bit.EXTRAS ? this.extras.get(slot) : undefined;
    const names = this.rows[slot * F + C.NAMES]!;
    const s: { -readonly [K in keyof MessageSummary]: MessageSummary[K] } = {
      id,
      session: this.rows[slot * F + C.SESSION]!,
      dir: bits & Bit.S2C ? 's2c' : 'c2s',
      time: this.rows[slot * F + C.TIME]!,
      dialect: x?.dialect ?? this.dialects.values[Math.floor(names / 0x1_0000_0000)]!,
      type: x?.type ?? this.types.values[Math.floor(names / 0x1_0000) % 0x1_0000]!,
      code: this.rows[slot * F + C.CODE]!,
      seq: nullable(this.rows[slot * F + C.SEQ]!),
      ref: nullable(this.rows[slot * F + C.REF]!),
      flags: x?.flags ?? this.flagLists.values[names % 0x1_0000]!,
      wireSize: this.rows[slot * F + C.WIRE_SIZE]!,
      bodySize: this.rows[slot * F + C.BODY_SIZE]!,
    };
    const latency = this.rows[slot * F + C.LATENCY]!;
    const pair = this.rows[slot * F + C.PAIR]!;
    if (!Number.isNaN(latency)) s.latencyMs = latency;
    if (!Number.isNaN(pair)) s.pairId = pair;
    if (x?.error !== undefined) s.error = x.error;
    if (x?.faults !== undefined) s.faults = x.faults;
    return s;
  }

  /** The response id of a request, when both are held. */
  responseOf(requestId: number): number | undefined {
    const slot = this.slotOf(requestId);
    if (slot < 0) return undefined;
    const id = this.rows[slot * F + C.RESPONSE]!;
    return Number.isNaN(id) || id < this.firstId ? undefined : id;
  }

  get oldestId(): number {
    return this.firstId;
  }

  get newestId(): number {
    return this.lastId;
  }

  /** Bytes the ring holds now (it grows up to keepBytes). */
  get ringBytes(): number {
    return this.ring.length;
  }

  /** Summaries of records with id ≥ fromId, oldest first. */
  range(fromId: number, limit: number): MessageSummary[] {
    const out: MessageSummary[] = [];
    for (let id = Math.max(fromId, this.firstId); id <= this.lastId && out.length < limit; id++) {
      const r = this.summary(id);
      if (r) out.push(r);
    }
    return out;
  }

  private slotOf(id: number): number {
    if (id < this.firstId || id > this.lastId) return -1;
    const slot = id % this.size;
    return this.rows[slot * F + C.ID] === id ? slot : -1;
  }

  /**
   * UP/2.0 shares one frozen array per flag combination, so the array is the
   * key (no string per message); a dialect that makes a new array each time
   * is keyed by its text instead, or the table would fill with copies.
   */
  private flagIndex(flags: readonly string[]): number {
    const known = this.flagArrays.get(flags);
    if (known !== undefined) return known;
    const i = this.flagLists.of(flags.join(' '), Object.isFrozen(flags) ? flags : Object.freeze([...flags]));
    // Only shared (frozen) arrays are worth remembering by identity; a bounded number of them.
    if (i >= 0 && Object.isFrozen(flags) && this.flagArrays.size < 1024) this.flagArrays.set(flags, i);
    return i;
  }

  /** Twice the rows (at most capacity), every held record moved to its slot in them. */
  private grow(): void {
    const size = Math.min(this.capacity, this.size * 2);
    const rows = new Float64Array(size * F);
    for (let i = 0; i < size; i++) rows[i * F + C.ID] = NaN;
    const extras = new Map<number, Extras>();
    for (let id = this.firstId; id <= this.lastId; id++) {
      const from = id % this.size;
      if (this.rows[from * F + C.ID] !== id) continue;
      const to = id % size;
      for (let k = 0; k < F; k++) rows[to * F + k] = this.rows[from * F + k]!;
      const x = this.extras.get(from);
      if (x) extras.set(to, x);
    }
    this.rows = rows;
    this.size = size;
    this.extras.clear();
    for (const [k, v] of extras) this.extras.set(k, v);
  }

  /** Forgets records older than `id`. */
  private evictTo(id: number): void {
    while (this.firstId < id && this.firstId <= this.lastId) this.forgetOldest();
  }

  private forgetOldest(): void {
    if (this.apart[0] === this.firstId) {
      this.apart.shift();
      this.apartTotal -= this.apartBytes.shift()!;
    }
    const slot = this.firstId % this.size;
    if (this.rows[slot * F + C.ID] === this.firstId) {
      this.rows[slot * F + C.ID] = NaN;
      if (this.rows[slot * F + C.BITS]! & Bit.EXTRAS) this.extras.delete(slot);
    }
    this.firstId++;
  }

  /** Where record `id`'s bytes start, counted in bytes ever written (-Infinity once it is gone). */
  private startOf(id: number): number {
    const slot = id % this.size;
    return this.rows[slot * F + C.ID] === id ? this.rows[slot * F + C.BYTE_AT]! : -Infinity;
  }

  /**
   * Room for `n` bytes in the ring, at the returned position; -1 when `n`
   * is too big to keep here. Positions are `written` modulo the ring's size
   * (the ring grows, doubling, up to keepBytes before it ever wraps; a
   * record never straddles the end: the bytes left there are skipped).
   */
  private reserve(n: number): number {
    if (n > this.keepBytes / 4) return -1;
    let size = this.ring.length;
    if (this.written + n > size && size < this.keepBytes) {
      const bigger = new Uint8Array(Math.min(this.keepBytes, Math.max(size * 2, this.written + n)));
      bigger.set(this.ring.subarray(0, this.written));
      this.ring = bigger;
      size = bigger.length;
    }
    let at = this.written % size;
    if (at + n > size) {
      this.written += size - at;
      at = 0;
    }
    this.written += n;
    return at;
  }
}

const nullable = (n: number): number | null => (Number.isNaN(n) ? null : n);

/** A body property built from the record's own plaintext copy the first time it is read (and enumerable, so spreads and JSON see it). */
function lazyBody(r: { body?: unknown }, revive: ReviveBody, plain: Uint8Array): void {
  let built = false;
  let body: unknown;
  Object.defineProperty(r, 'body', {
    enumerable: true,
    configurable: true,
    get() {
      if (!built) {
        built = true;
        body = revive(r as MessageSummary, plain);
      }
      return body;
    },
  });
}
