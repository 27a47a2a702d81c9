/**
 * The streaming capture writer the proxy hands every record to.
 *
 * Append-only: each block is built whole in memory and blocks are written in
 * batches (one write() per batch, every `flushIntervalMs` or `flushBytes`),
 * so a crash or SIGKILL leaves whole blocks followed by at most one partial
 * one, and records written before the last flush are all readable. Readers
 * can open the file while it grows. Parts rotate by size; each part is a
 * valid pcapng on its own (section header, interface, and the metadata of
 * the sessions still open). The `.idx` sidecar gets one entry per block,
 * written right after the batch it describes.
 *
 * writeRecord/writeSession never throw and never wait: a proxy must not stall
 * on its capture. Failures are reported by the 'error' event and by
 * flush()/close(); records that cannot be written are counted as dropped.
 */
import { EventEmitter } from 'node:events';
import { mkdir, open, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { release, type as osType } from 'node:os';
import { type Dir, type MessageRecord } from '../../src-shared/records';
import { LINKTYPE_WIRESHARK_UPPER_PDU, IdbOpt, Opt, OTBRIDGE_PEN, ShbOpt } from './pcapng/constants';
import { encodeCustomBlock, encodeIdb, encodeShb, IDB_TSRESOL_MICROS, optComment, optCustom, optString } from './pcapng/encode';
import { encodeExportedPduTags, P2P_DIR_RECV, P2P_DIR_SENT } from './exported-pdu';
import { type Endpoint } from './ip';
import { pduCodecFor, up2Codec, up2FlagsFromNames, type BuiltPdu } from './pdu/index';
import { encodeSessionBlockData, mergeSessionMeta, sanitizeSessionMeta, type SessionMeta } from './session-meta';
import { encodeIndexHeader, ENTRY_SIZE, EntryBits, writeEntry, type IndexEntry } from './index-table';
import { planRecordBlock, writeRecordBlock, type PduSource, type RecordBlockPlan } from './record-block';
import { indexPath, listParts, lockContent, lockPath, partPath } from './parts';
import { CaptureError } from './errors';
import { APP } from '../console/app-info';

export interface CaptureWriterOptions {
  /** Start a new part when the current one would grow past this many bytes; 0 = never (default 256 MiB). */
  readonly rotateBytes: number;
  /** Write buffered blocks at least this often, in ms; 0 = right away (default 100). */
  readonly flushIntervalMs: number;
  /** …or as soon as this many bytes are buffered (default 1 MiB). */
  readonly flushBytes: number;
  /** fsync after every batch: survives power loss, not only crashes; slower (default false). */
  readonly fsync: boolean;
  /** Keep the `.idx` sidecar up to date (default true). */
  readonly index: boolean;
  /** Replace an existing capture of this name — its parts and index (default false: refuse). */
  readonly overwrite: boolean;
  /** Most bytes held while the disk lags; records beyond it are dropped and counted (default 64 MiB). */
  readonly maxBufferedBytes: number;
  /** Application named in each section header (default "otbridge <version>"). */
  readonly application: string;
}

export const DEFAULT_WRITER_OPTIONS: CaptureWriterOptions = {
  rotateBytes: 256 * 1024 * 1024,
  flushIntervalMs: 100,
  flushBytes: 1024 * 1024,
  fsync: false,
  index: true,
  overwrite: false,
  maxBufferedBytes: 64 * 1024 * 1024,
  application: `${APP.name} ${APP.version}`,
};

/** What the proxy may add to a record: a ready PDU (else the dialect builds it) and the packet's addresses. */
export interface RecordExtras {
  readonly pdu?: BuiltPdu;
  readonly src?: Endpoint;
  readonly dst?: Endpoint;
}

export interface WriterStats {
  readonly records: number;
  readonly sessionBlocks: number;
  /** Bytes handed to the files (all parts). */
  readonly bytes: number;
  readonly parts: number;
  /** Records not written: buffer full, writer failed or closed, or invalid. */
  readonly dropped: number;
  readonly error?: string;
}

/**
 * Blocks waiting to be written, encoded into 64 KiB arenas (bigger for a
 * bigger block), with their index entries already in on-disk form.
 */
interface Batch {
  readonly part: number;
  chunks: Buffer[];
  /** Every arena of this batch, returned to the pool once written. */
  arenas: Buffer[];
  arena: Buffer | null;
  used: number;
  entries: Buffer;
  entriesView: DataView | null;
  entryCount: number;
  bytes: number;
  records: number;
}

const ARENA_BYTES = 64 * 1024;
/** Arenas kept for reuse once their batch is written: a capture under load would otherwise allocate (and collect) one every few hundred records. */
const POOL_MAX = 32;

type Op = { readonly kind: 'write'; readonly batch: Batch } | { readonly kind: 'rotate'; readonly part: number };

export interface CaptureWriterEvents {
  error: [Error];
  rotate: [path: string, part: number];
}

export class CaptureWriter extends EventEmitter<CaptureWriterEvents> {
  readonly path: string;
  readonly options: CaptureWriterOptions;
  /** 32 hex digits, in every part's section header and in the index. */
  readonly captureId: string;
  private readonly captureIdBytes: Uint8Array;
  private file: FileHandle | null = null;
  private idx: FileHandle | null = null;
  private part = 0;
  /** Bytes of the current part including what is still buffered. */
  private partSize = 0;
  private partRecords = 0;
  private batch: Batch;
  private readonly ops: Op[] = [];
  private pumping: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private buffered = 0;
  private readonly open = new Map<number, SessionMeta>();
  /** Exported PDU tags by session and direction (a record's dialect is its session's): no key string per record. */
  private readonly tagCache = new Map<number, SessionTags>();
  private readonly arenaPool: Buffer[] = [];
  private failure: Error | null = null;
  private closing = false;
  private counts = { records: 0, sessionBlocks: 0, bytes: 0, parts: 1, dropped: 0 };

  private constructor(path: string, options: CaptureWriterOptions, id: Uint8Array) {
    super();
    this.path = path;
    this.options = options;
    this.captureIdBytes = id;
    this.captureId = Buffer.from(id).toString('hex');
    this.batch = this.newBatch();
  }

  /** Creates the capture (refusing to replace one unless `overwrite`) and writes its headers. */
  static async open(path: string, options: Readonly<Partial<CaptureWriterOptions>> = {}): Promise<CaptureWriter> {
    const opts = { ...DEFAULT_WRITER_OPTIONS, ...options };
    if (!(opts.rotateBytes >= 0) || !(opts.flushIntervalMs >= 0) || !(opts.flushBytes >= 0) || !(opts.maxBufferedBytes > 0)) {
      throw new RangeError('capture writer sizes and intervals must be non-negative numbers');
    }
    await mkdir(dirname(path), { recursive: true });
    const existing = await listParts(path);
    if (existing.length > 0) {
      if (!opts.overwrite) throw new CaptureError('EXISTS', `${path}: a capture with this name exists (${existing.length} file(s)); choose another name or overwrite it`);
      await Promise.all([...existing.map((p) => rm(p.path, { force: true })), rm(indexPath(path), { force: true })]);
    }
    const w = new CaptureWriter(path, opts, randomBytes(16));
    await writeFile(lockPath(path), lockContent());
    try {
      w.file = await open(path, 'wx');
      if (opts.index) {
        w.idx = await open(indexPath(path), 'w');
        await writeAllTo(w.idx, encodeIndexHeader(w.captureIdBytes));
      }
    } catch (e) {
      await w.file?.close();
      await rm(lockPath(path), { force: true });
      throw e;
    }
    w.appendHeaders();
    w.seal();
    await w.kick();
    if (w.failure) throw w.failure;
    return w;
  }

  get stats(): WriterStats {
    return { ...this.counts, ...(this.failure ? { error: this.failure.message } : {}) };
  }

  /** The file being written now. */
  get currentPath(): string {
    return partPath(this.path, this.part);
  }

  /**
   * Records what is known about a session (at its start, and again whenever
   * more is learnt). Secrets are removed before anything is written. A
   * session with `end` set is closed: later parts no longer repeat it.
   */
  writeSession(meta: SessionMeta): boolean {
    if (!this.accepting()) return false;
    const merged = mergeSessionMeta(this.open.get(meta.session), sanitizeSessionMeta(meta));
    if (merged.end !== undefined) this.open.delete(meta.session);
    else this.open.set(meta.session, merged);
    this.tagCache.delete(meta.session);
    const block = encodeCustomBlock(OTBRIDGE_PEN, encodeSessionBlockData(merged), { copyable: true, padByte: 0x20 });
    const time = typeof merged.end === 'number' ? merged.end : typeof merged.start === 'number' ? merged.start : Date.now();
    this.append(block, { id: merged.session, time, part: this.part, offset: 0, session: merged.session, code: 0, bits: EntryBits.SESSION_BLOCK });
    this.counts.sessionBlocks++;
    return true;
  }

  /** Queues one record; false when it was dropped (see stats.dropped and the 'error' event). */
  writeRecord(record: MessageRecord, extras: RecordExtras = {}): boolean {
    if (!this.accepting()) {
      this.counts.dropped++;
      return false;
    }
    const micros = Number.isFinite(record.time) && record.time > 0 ? Math.round(record.time * 1000) : 0;
    let plan: RecordBlockPlan;
    try {
      plan = this.planRecord(record, extras, micros);
    } catch (e) {
      this.counts.dropped++;
      this.report(new CaptureError('WRITE_FAILED', `record ${String(record.id)} not written: ${(e as Error).message}`));
      return false;
    }
    if (this.buffered + plan.size > this.options.maxBufferedBytes) {
      this.counts.dropped++;
      return false;
    }
    this.maybeRotate(plan.size);
    const { buf, at } = this.reserve(plan.size);
    writeRecordBlock(plan, buf, at);
    this.addEntry({ id: record.id, time: micros / 1000, part: this.part, offset: this.partSize, session: record.session, code: record.code, bits: record.dir === 's2c' ? EntryBits.S2C : 0 });
    this.batch.records++;
    this.partRecords++;
    this.counts.records++;
    this.advance(plan.size);
    return true;
  }

  /** Writes everything buffered; resolves when it is in the files (rejects with the writer's failure, if any). */
  async flush(): Promise<void> {
    this.seal();
    await this.kick();
    if (this.failure) throw this.failure;
  }

  /** Flushes, closes the files and removes the lock. Idempotent. */
  async close(): Promise<WriterStats> {
    if (!this.closing) {
      this.closing = true;
      this.seal();
      await this.kick();
      await this.file?.close().catch(() => undefined);
      await this.idx?.close().catch(() => undefined);
      this.file = this.idx = null;
      await rm(lockPath(this.path), { force: true });
    } else {
      await this.kick();
    }
    if (this.failure) throw this.failure;
    return this.stats;
  }

  // ---- internals -----------------------------------------------------------

  private accepting(): boolean {
    return !this.closing && !this.failure;
  }

  private planRecord(record: MessageRecord, extras: RecordExtras, micros: number): RecordBlockPlan {
    const codec = pduCodecFor(record.dialect);
    let pdu: PduSource;
    if (extras.pdu) pdu = extras.pdu;
    else if (codec === up2Codec && record.plain) {
      // The common case, written in place: the plaintext frame from the header fields.
      const flags = record.wire && record.wire.length >= 5 ? record.wire[4]! : up2FlagsFromNames(record.flags);
      pdu = { kind: 'plain', up2: { type: record.code, flags, seq: record.seq ?? 0, ref: record.ref ?? 0 }, plain: record.plain };
    } else pdu = codec.build(record);
    const tags = extras.src || extras.dst ? this.tags(record, extras.src, extras.dst) : this.cachedTags(record);
    const bodyJson = !codec.parseBody && record.body !== undefined ? Buffer.from(JSON.stringify(record.body)) : undefined;
    return planRecordBlock(record, tags, pdu, micros, bodyJson);
  }

  private cachedTags(record: MessageRecord): Uint8Array {
    let s = this.tagCache.get(record.session);
    if (!s || s.dialect !== record.dialect) {
      if (this.tagCache.size > 4096) this.tagCache.clear();
      s = { dialect: record.dialect, c2s: null, s2c: null };
      this.tagCache.set(record.session, s);
    }
    let t = record.dir === 'c2s' ? s.c2s : s.s2c;
    if (!t) {
      const meta = this.open.get(record.session);
      const client = meta?.client;
      const server = meta?.server ?? meta?.proxy;
      t = record.dir === 'c2s' ? this.tags(record, client, server) : this.tags(record, server, client);
      if (record.dir === 'c2s') s.c2s = t;
      else s.s2c = t;
    }
    return t;
  }

  private tags(record: MessageRecord, src: Endpoint | undefined, dst: Endpoint | undefined): Uint8Array {
    return encodeExportedPduTags({
      dissector: record.dialect,
      ...(src ? { src } : {}),
      ...(dst ? { dst } : {}),
      p2pDir: dirP2p(record.dir),
    });
  }

  private appendHeaders(): void {
    const info = JSON.stringify({ kind: 'capture', v: 1, capture: this.captureId, part: this.part, created: Date.now(), app: this.options.application });
    const shb = encodeShb([
      optComment('otbridge capture: decrypted frames as Wireshark Exported PDUs (open with tools/wireshark/up2.lua)'),
      optString(ShbOpt.OS, `${osType()} ${release()}`),
      optString(ShbOpt.USERAPPL, this.options.application),
      optCustom(Opt.CUSTOM_STR, OTBRIDGE_PEN, new TextEncoder().encode(info)),
    ]);
    const idb = encodeIdb(LINKTYPE_WIRESHARK_UPPER_PDU, [
      optString(IdbOpt.NAME, 'otbridge'),
      optString(IdbOpt.DESCRIPTION, 'frames exported by the otbridge proxy'),
      IDB_TSRESOL_MICROS,
    ]);
    this.append(shb, null);
    this.append(idb, null);
    // A part must be readable alone: repeat what is known of every session still open.
    for (const meta of this.open.values()) {
      const block = encodeCustomBlock(OTBRIDGE_PEN, encodeSessionBlockData(meta), { copyable: true, padByte: 0x20 });
      const time = typeof meta.start === 'number' ? meta.start : Date.now();
      this.append(block, { id: meta.session, time, part: this.part, offset: 0, session: meta.session, code: 0, bits: EntryBits.SESSION_BLOCK });
    }
  }

  /** Appends a block built elsewhere (headers, session metadata): rare, so copying it is fine. */
  private append(block: Uint8Array, entry: IndexEntry | null): void {
    const { buf, at } = this.reserve(block.length);
    buf.set(block, at);
    if (entry) this.addEntry({ ...entry, part: this.part, offset: this.partSize });
    this.advance(block.length);
  }

  /** A new part before a record that would take this one past rotateBytes (never for a part's first record). */
  private maybeRotate(size: number): void {
    const rotate = this.options.rotateBytes;
    if (rotate > 0 && this.partRecords > 0 && this.partSize + size > rotate) this.rotate();
  }

  /** Room for `size` bytes in the open batch. */
  private reserve(size: number): { buf: Buffer; at: number } {
    const b = this.batch;
    if (!b.arena || b.used + size > b.arena.length) {
      if (b.arena && b.used > 0) b.chunks.push(b.arena.subarray(0, b.used));
      b.arena = size <= ARENA_BYTES ? (this.arenaPool.pop() ?? Buffer.allocUnsafe(ARENA_BYTES)) : Buffer.allocUnsafe(size);
      b.arenas.push(b.arena);
      b.used = 0;
    }
    const at = b.used;
    b.used += size;
    return { buf: b.arena, at };
  }

  private addEntry(e: IndexEntry): void {
    const b = this.batch;
    if ((b.entryCount + 1) * ENTRY_SIZE > b.entries.length) {
      const bigger = Buffer.alloc(Math.max(b.entries.length * 2, 64 * ENTRY_SIZE));
      b.entries.copy(bigger);
      b.entries = bigger;
    }
    // One DataView per entries buffer, not one per record.
    if (b.entriesView?.buffer !== b.entries.buffer || b.entriesView.byteOffset !== b.entries.byteOffset) {
      b.entriesView = new DataView(b.entries.buffer, b.entries.byteOffset, b.entries.length);
    }
    writeEntry(b.entriesView, b.entryCount * ENTRY_SIZE, e);
    b.entryCount++;
  }

  /** Accounts for `size` bytes just placed in the batch, and flushes on the policy. */
  private advance(size: number): void {
    this.batch.bytes += size;
    this.partSize += size;
    this.buffered += size;
    this.counts.bytes += size;
    if (this.options.flushIntervalMs === 0 || this.batch.bytes >= this.options.flushBytes) {
      this.seal();
      void this.kick();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.seal();
        void this.kick();
      }, this.options.flushIntervalMs);
      this.timer.unref?.();
    }
  }

  private rotate(): void {
    this.seal();
    this.part++;
    this.counts.parts++;
    this.partSize = 0;
    this.partRecords = 0;
    this.ops.push({ kind: 'rotate', part: this.part });
    this.batch = this.newBatch();
    this.appendHeaders();
  }

  private newBatch(): Batch {
    return { part: this.part, chunks: [], arenas: [], arena: null, used: 0, entries: EMPTY, entriesView: null, entryCount: 0, bytes: 0, records: 0 };
  }

  /** Moves the open batch to the write queue. */
  private seal(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const b = this.batch;
    if (b.arena && b.used > 0) b.chunks.push(b.arena.subarray(0, b.used));
    b.arena = null;
    if (b.chunks.length === 0) return;
    this.ops.push({ kind: 'write', batch: b });
    this.batch = this.newBatch();
  }

  private kick(): Promise<void> {
    if (!this.pumping) {
      this.pumping = (async () => {
        try {
          while (this.ops.length > 0) {
            const op = this.ops.shift()!;
            try {
              await this.run(op);
            } catch (e) {
              this.fail(e as Error);
            }
          }
        } finally {
          this.pumping = null;
        }
      })();
    }
    return this.pumping;
  }

  private async run(op: Op): Promise<void> {
    if (op.kind === 'rotate') {
      await this.file?.close();
      const path = partPath(this.path, op.part);
      this.file = await open(path, 'wx');
      this.emit('rotate', path, op.part);
      return;
    }
    const { batch } = op;
    try {
      await writevAll(this.file!, batch.chunks);
      if (this.options.fsync) await this.file!.sync();
      // The index goes after the data it points to: a crash between the two leaves it behind (readers catch up), never ahead.
      if (this.idx && batch.entryCount > 0) await writeAllTo(this.idx, batch.entries.subarray(0, batch.entryCount * ENTRY_SIZE));
    } finally {
      this.buffered -= batch.bytes;
      for (const a of batch.arenas) if (a.length === ARENA_BYTES && this.arenaPool.length < POOL_MAX) this.arenaPool.push(a);
      batch.arenas = [];
      batch.chunks = [];
    }
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e instanceof CaptureError ? e : new CaptureError('WRITE_FAILED', `${this.currentPath}: ${e.message}`);
    // Whatever is still queued can no longer be written in order.
    for (const op of this.ops.splice(0)) if (op.kind === 'write') this.counts.dropped += op.batch.records;
    this.counts.dropped += this.batch.records;
    this.batch = this.newBatch();
    this.report(this.failure);
  }

  private report(e: Error): void {
    // An 'error' event without a listener would throw into the proxy; the failure is kept for flush()/close() instead.
    if (this.listenerCount('error') > 0) this.emit('error', e);
  }
}

const EMPTY = Buffer.alloc(0);

interface SessionTags {
  readonly dialect: string;
  c2s: Uint8Array | null;
  s2c: Uint8Array | null;
}

const dirP2p = (dir: Dir): number => (dir === 'c2s' ? P2P_DIR_RECV : P2P_DIR_SENT);

/** One writev() for a whole batch; continues after a short write. */
async function writevAll(file: FileHandle, chunks: Buffer[]): Promise<void> {
  let rest = chunks;
  while (rest.length > 0) {
    const { bytesWritten } = await file.writev(rest);
    if (bytesWritten <= 0) throw new Error('write made no progress');
    let n = bytesWritten;
    let i = 0;
    while (i < rest.length && n >= rest[i]!.length) n -= rest[i++]!.length;
    rest = rest.slice(i);
    if (n > 0) rest[0] = rest[0]!.subarray(n);
  }
}

async function writeAllTo(file: FileHandle, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) {
    const { bytesWritten } = await file.write(data, off, data.length - off);
    if (bytesWritten <= 0) throw new Error('write made no progress');
    off += bytesWritten;
  }
}
