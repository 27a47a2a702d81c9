/**
 * A capture opened session by session, for tools that take whole sessions
 * (replay, the mock server): opening makes one pass over the index — the
 * `.idx` read through a 1 MiB buffer, or, without a usable one, the capture
 * scanned and its index written as it is found — and keeps, per session,
 * only where its records are and a few counts (session-positions.ts). A
 * session's records are read, and decoded, when they are asked for.
 *
 * What CaptureReader.open would hold for the same capture — the whole index
 * as a table, 32 bytes a record — is never made: for a million records that
 * is 32 MB of memory to fill, which costs more than reading the capture.
 * The checks are CaptureReader's (index-stream.ts): damage is stepped over
 * and reported in `warnings`, a stale or damaged index is rebuilt with a
 * warning saying why, every block is checked before it is decoded.
 */
import { decodeRecordsAt } from './decode-packet';
import { IndexedBlocks, sessionMetaAt } from './indexed-blocks';
import { type CapturedRecord } from './captured-record';
import { type BlockLocations } from './index-sink';
import { streamIndex } from './index-stream';
import { type IndexState } from './index-loader';
import { openParts } from './open-parts';
import { type PartContext } from './part-context';
import { type PartFile } from './part-file';
import { liveWriter } from './parts';
import { SessionPositions, type SessionEntries } from './session-positions';
import { mergeSessionMeta, type SessionMeta } from './session-meta';
import { type CaptureWarning } from './errors';

export interface SessionIndexOptions {
  /** Message codes counted per session and direction (see SessionEntries.count). */
  readonly watchCodes?: readonly number[];
  /** Save a built or caught-up index beside the capture — never while its writer runs (default true). */
  readonly persistIndex?: boolean;
  /** Size of sequential reads: of the scan when there is no index (default 4 MiB), and of a session's records (default 1 MiB). */
  readonly windowBytes?: number;
  /** Scan the capture whatever index is there (default false: use it when it checks out). */
  readonly rebuildIndex?: boolean;
}

export interface SessionIndexInfo {
  readonly state: IndexState;
  readonly entries: number;
  readonly added: number;
  readonly saved: boolean;
}

/** Positions decoded per round of a session's read. */
const ROUND = 16384;
/**
 * Reads of a scan over the whole capture: 4 MiB, so that a million-record
 * capture is some 90 reads. Each read wakes a thread of libuv's pool, and on
 * the benchmark machine (a VM) a wake-up costs tens of µs of the main
 * thread's time; fewer, larger reads also leave the read ahead more time to
 * finish while the window before it is scanned.
 */
const SCAN_WINDOW = 4 << 20;

export class SessionIndex {
  private readonly contexts = new Map<PartFile, PartContext>();

  private constructor(
    readonly path: string,
    private parts: PartFile[],
    private readonly positions: SessionPositions,
    readonly warnings: CaptureWarning[],
    readonly index: SessionIndexInfo,
    private readonly windowBytes: number,
  ) {}

  static async open(path: string, o: SessionIndexOptions = {}): Promise<SessionIndex> {
    const windowBytes = o.windowBytes ?? 1 << 20;
    const { parts, warnings } = await openParts(path);
    try {
      const writer = await liveWriter(path);
      const positions = new SessionPositions(o.watchCodes ?? []);
      const r = await streamIndex(path, parts, positions, { windowBytes: o.windowBytes ?? SCAN_WINDOW, persist: (o.persistIndex ?? true) && !writer, rebuild: o.rebuildIndex ?? false });
      warnings.push(...r.warnings);
      return new SessionIndex(path, parts, positions, warnings, { state: r.state, entries: r.entries, added: r.added, saved: r.saved }, windowBytes);
    } catch (e) {
      await Promise.all(parts.map((p) => p.close().catch(() => undefined)));
      throw e;
    }
  }

  /** Records in the capture (session blocks aside). */
  get messages(): number {
    return this.positions.messages;
  }

  /** Every session with records, by number: counts, times, watched codes. */
  sessionEntries(): SessionEntries[] {
    return this.positions.sessions();
  }

  entriesOf(session: number): SessionEntries | undefined {
    return this.positions.get(session);
  }

  /** The latest metadata of every session that has a metadata block, by session number. */
  async sessionMetas(): Promise<SessionMeta[]> {
    const merged = new Map<number, SessionMeta>();
    await this.read(this.positions.metaLocations(), Infinity, (blocks) => {
      for (let k = blocks.from; k < blocks.to; k++) {
        const meta = sessionMetaAt(blocks, k, (part, offset, message) => this.warnings.push({ kind: 'skipped-block', file: part.path, offset, message }));
        if (meta) merged.set(meta.session, mergeSessionMeta(merged.get(meta.session), meta));
      }
      return 0;
    });
    return [...merged.values()].sort((a, b) => a.session - b.session);
  }

  /** A session's records in capture order (the first `limit`), with their bytes unless `bytes` is false. */
  async records(session: number, q: { limit?: number; bytes?: boolean } = {}): Promise<CapturedRecord[]> {
    const s = this.positions.get(session);
    const out: CapturedRecord[] = [];
    if (!s) return out;
    const limit = q.limit ?? Infinity;
    const bytes = q.bytes ?? true;
    await this.read(s.locations(), limit, (blocks) => {
      const part = blocks.part!;
      const before = out.length;
      decodeRecordsAt(blocks.window, blocks.base, blocks, blocks.from, blocks.to, part.littleEndian, this.contextOf(part), bytes, (offset, problem) => this.warnings.push({ kind: 'skipped-block', file: part.path, offset, message: problem }), out);
      return out.length - before;
    });
    // An index entry damaged where no check looks (its session field) must not hand out another session's record.
    let kept = 0;
    for (const r of out) {
      if (r.session === session) out[kept++] = r;
      else this.warnings.push({ kind: 'index', file: this.path, message: `the index puts the record at offset ${r.offset} of part ${r.part} in session ${session}, but it is session ${r.session}'s: left out` });
    }
    out.length = Math.min(kept, limit);
    return out;
  }

  /** Closes the files and gives the positions' memory back for the next open: no session can be read afterwards. */
  async close(): Promise<void> {
    await Promise.all(this.parts.map((p) => p.close().catch(() => undefined)));
    this.parts = [];
    this.positions.release();
  }

  /** Reads the blocks at every position of `at`, window by window, until `take` has counted `limit`. */
  private async read(at: BlockLocations, limit: number, take: (blocks: IndexedBlocks) => number): Promise<void> {
    if (at.length === 0) return;
    const positions = new Int32Array(Math.min(ROUND, at.length));
    const blocks = new IndexedBlocks(at, this.parts, this.windowBytes, (part, offset, message) => this.warnings.push({ kind: 'skipped-block', file: part.path, offset, message }), positions.length);
    let count = 0;
    try {
      for (let from = 0; from < at.length && count < limit; from += positions.length) {
        const n = Math.min(positions.length, at.length - from);
        for (let k = 0; k < n; k++) positions[k] = from + k;
        blocks.want(positions, n);
        while (count < limit && (await blocks.next())) count += take(blocks);
      }
    } finally {
      await blocks.close();
    }
  }

  private contextOf(part: PartFile): PartContext {
    let c = this.contexts.get(part);
    if (!c) this.contexts.set(part, (c = part.context()));
    return c;
  }
}
