/**
 * Where the console's traffic comes from: the running proxy's recent
 * records (in memory), or a capture file opened in the console (read
 * through its index, never whole). Both answer the same questions: one
 * record by id, its request or response, and the newest rows matching a
 * filter before some id.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { CaptureInfo, SessionRow } from '../../src-shared/ipc/contract';
import type { MessageRecord, MessageSummary } from '../../src-shared/records';
import { type RecordStore } from '../proxy/records';
import { CaptureReader, ndjsonToCapture, registerPduCodec, sniffCaptureFile, type SessionMeta } from '../capture';
import { otgamePduCodec } from '../proxy/dialects/otgame/pdu';
import { StateTracker } from '../proxy/dialects/up2/state-tracker';

registerPduCodec(otgamePduCodec);

export type Match = (s: MessageSummary) => boolean;
export interface Scan {
  readonly rows: MessageSummary[];
  readonly hasOlder: boolean;
}

export interface RecordSource {
  get(id: number): Promise<MessageRecord | undefined>;
  /** The response of a request, or the request of a response. */
  pairOf(r: MessageRecord): Promise<MessageRecord | undefined>;
  /** The newest `limit` rows matching, with ids below `beforeId`, oldest first. */
  scanBack(match: Match, beforeId: number, limit: number): Promise<Scan>;
}

/**
 * The proxy's in-memory records — and, when the proxy also writes a
 * capture, the older ones read back from it (the memory holds the newest
 * only).
 */
export class LiveSource implements RecordSource {
  private older: Promise<CaptureReader> | null = null;

  constructor(
    private readonly store: () => RecordStore | null,
    private readonly capturePath: () => string | null = () => null,
    /** Writes out what the capture writer still holds (it writes in batches, every 100 ms). */
    private readonly flushCapture: () => Promise<void> | undefined = () => undefined,
  ) {}

  /**
   * The live capture, opened once and refreshed before each use (it is still
   * being written). The writer's pending batch is written first: the memory
   * may already have let go of records the file does not hold yet.
   */
  private async capture(): Promise<CaptureReader | null> {
    const path = this.capturePath();
    if (!path) return null;
    await this.flushCapture();
    this.older ??= CaptureReader.open(path, { persistIndex: false });
    const reader = await this.older;
    await reader.refresh();
    return reader;
  }

  async get(id: number): Promise<MessageRecord | undefined> {
    const store = this.store();
    const r = store?.get(id);
    if (r || !store || id >= store.oldestId) return r;
    return (await this.capture())?.get(id);
  }

  async pairOf(r: MessageRecord): Promise<MessageRecord | undefined> {
    const store = this.store();
    if (!store) return undefined;
    const id = r.flags.includes('RESPONSE') ? r.pairId : store.responseOf(r.id);
    return id === undefined ? undefined : store.get(id);
  }

  async scanBack(match: Match, beforeId: number, limit: number): Promise<Scan> {
    const fromMemory = this.scanBackSync(match, beforeId, limit);
    const store = this.store();
    if (fromMemory.hasOlder || fromMemory.rows.length === limit || !store || store.oldestId <= 1) return fromMemory;
    // The memory ran out before the limit: go on in the capture, below what memory held when it was read
    // (taken before waiting for the capture: meanwhile the memory moves on, and its newer oldest row would
    // make the two parts overlap).
    const below = Math.min(beforeId, store.oldestId);
    const reader = await this.capture();
    if (!reader) return fromMemory;
    const rest = limit - fromMemory.rows.length;
    const older: MessageSummary[] = [];
    let hasOlder = false;
    for (let hi = below - 1; hi >= 1 && !hasOlder; hi -= SCAN_WINDOW) {
      const window: MessageSummary[] = [];
      for await (const r of reader.records({ fromId: Math.max(1, hi - SCAN_WINDOW + 1), toId: hi, bytes: false })) {
        const s = r.summary();
        if (match(s)) window.push(s);
      }
      for (let i = window.length - 1; i >= 0; i--) {
        if (older.length < rest) older.push(window[i]!);
        else {
          hasOlder = true;
          break;
        }
      }
    }
    return { rows: [...older.reverse(), ...fromMemory.rows], hasOlder };
  }

  async close(): Promise<void> {
    if (this.older) await (await this.older).close();
    this.older = null;
  }

  scanBackSync(match: Match, beforeId: number, limit: number): Scan {
    const store = this.store();
    if (!store) return { rows: [], hasOlder: false };
    const out: MessageSummary[] = [];
    let id = Math.min(beforeId - 1, store.newestId);
    for (; id >= store.oldestId && out.length < limit; id--) {
      const s = store.summary(id);
      if (s && match(s)) out.push(s);
    }
    // More may exist when we stopped on the limit before reaching the oldest record.
    let hasOlder = false;
    if (out.length === limit) {
      for (; id >= store.oldestId; id--) {
        const s = store.summary(id);
        if (s && match(s)) {
          hasOlder = true;
          break;
        }
      }
    }
    return { rows: out.reverse(), hasOlder };
  }
}

const SCAN_WINDOW = 20_000;

/** A capture file opened in the console. */
export class CaptureSource implements RecordSource {
  private tracker: Promise<StateTracker> | null = null;
  private range: { lowest: number; highest: number } | null = null;

  private constructor(
    readonly id: number,
    readonly path: string,
    readonly name: string,
    private readonly reader: CaptureReader,
    private readonly metas: SessionMeta[],
    private readonly stats: { records: number; start: number | null; end: number | null; dialects: string[] },
    private readonly cleanupDir: string | null,
  ) {}

  /** Opens a pcapng capture, or an NDJSON export (converted to a temporary capture first). */
  static async open(id: number, path: string, name = basename(path)): Promise<CaptureSource> {
    let file = path;
    let tmp: string | null = null;
    if ((await sniffCaptureFile(path)) === 'ndjson') {
      tmp = mkdtempSync(join(tmpdir(), 'otbridge-ndjson-'));
      file = join(tmp, 'import.pcapng');
      await ndjsonToCapture(path, file);
    }
    const reader = await CaptureReader.open(file, { persistIndex: tmp === null });
    const metas = await reader.sessions();
    let records = 0;
    let start: number | null = null;
    let end: number | null = null;
    const dialects = new Set<string>();
    for await (const r of reader.records({ bytes: false })) {
      records++;
      start ??= r.time;
      end = r.time;
      dialects.add(r.dialect);
    }
    return new CaptureSource(id, path, name, reader, metas, { records, start, end, dialects: [...dialects] }, tmp);
  }

  info(): CaptureInfo {
    return {
      id: this.id,
      path: this.path,
      name: this.name,
      records: this.stats.records,
      sessions: this.metas.length,
      dialects: this.stats.dialects,
      start: this.stats.start,
      end: this.stats.end,
      truncated: this.reader.truncatedTail,
      warnings: this.reader.warnings.map((w) => w.message),
    };
  }

  sessionRows(): SessionRow[] {
    return this.metas.map((m) => {
      const ep = (e: SessionMeta['client']): string => (e ? `${e.address}:${e.port}` : '?');
      return {
        id: m.session,
        source: 'capture' as const,
        capture: this.id,
        dialect: m.dialect ?? 'up2',
        mode: m.mode ?? 'unknown',
        client: ep(m.client),
        upstream: ep(m.server),
        account: typeof m.account === 'string' ? m.account : null,
        playerId: typeof m.playerId === 'string' ? m.playerId : null,
        openedAt: m.start ?? 0,
        closedAt: m.end ?? null,
        closeReason: typeof m.closeReason === 'string' ? m.closeReason : null,
        stateVersion: null,
        messages: typeof m.messages === 'object' && m.messages ? Number((m.messages as { c2s?: number }).c2s ?? 0) + Number((m.messages as { s2c?: number }).s2c ?? 0) : 0,
        errors: 0,
        msgPerSec: 0,
        facts: m as Record<string, unknown>,
      };
    });
  }

  async get(id: number): Promise<MessageRecord | undefined> {
    return this.reader.get(id);
  }

  async pairOf(r: MessageRecord): Promise<MessageRecord | undefined> {
    if (r.flags.includes('RESPONSE')) return r.pairId === undefined ? undefined : this.reader.get(r.pairId);
    // A request's response comes after it, in the same session: look a little way ahead.
    for await (const x of this.reader.records({ session: r.session, fromId: r.id + 1, limit: 2000, bytes: false })) {
      if (x.pairId === r.id) return this.reader.get(x.id);
    }
    return undefined;
  }

  async scanBack(match: Match, beforeId: number, limit: number): Promise<Scan> {
    const out: MessageSummary[] = [];
    const { lowest, highest } = this.idRange();
    let hi = Math.min(beforeId - 1, highest);
    let hasOlder = false;
    while (hi >= lowest && !hasOlder) {
      const lo = Math.max(lowest, hi - SCAN_WINDOW + 1);
      const window: MessageSummary[] = [];
      for await (const r of this.reader.records({ fromId: lo, toId: hi, bytes: false })) {
        const s = r.summary();
        if (match(s)) window.push(s);
      }
      for (let i = window.length - 1; i >= 0; i--) {
        if (out.length < limit) out.push(window[i]!);
        else {
          hasOlder = true;
          break;
        }
      }
      hi = lo - 1;
    }
    return { rows: out.reverse(), hasOlder };
  }

  /** The smallest and largest record ids (ids need not be in file order). */
  private idRange(): { lowest: number; highest: number } {
    if (this.range) return this.range;
    const t = this.reader.entries;
    let lowest = Number.MAX_SAFE_INTEGER;
    let highest = -1;
    for (let i = 0; i < t.length; i++) {
      if (t.isSessionBlock(i)) continue;
      const id = t.id(i);
      if (id < lowest) lowest = id;
      if (id > highest) highest = id;
    }
    this.range = { lowest, highest };
    return this.range;
  }

  /** State timelines and wire conflicts of every session, rebuilt once from the capture on first use. */
  state(): Promise<StateTracker> {
    this.tracker ??= (async () => {
      const t = new StateTracker();
      for await (const r of this.reader.records({ bytes: true })) {
        if (r.dialect === 'up2' && r.type.startsWith('GAME_STATE')) t.onRecord(r);
      }
      return t;
    })();
    return this.tracker;
  }

  /** Every record with its bytes, in order (for saving). */
  records(): AsyncGenerator<MessageRecord> {
    return this.reader.records({ bytes: true });
  }

  get sessionMetas(): readonly SessionMeta[] {
    return this.metas;
  }

  async close(): Promise<void> {
    await this.reader.close();
    if (this.cleanupDir) rmSync(this.cleanupDir, { recursive: true, force: true });
  }
}
