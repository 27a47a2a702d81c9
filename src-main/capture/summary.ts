/** What `otbridge capture info` reports: files, sessions, counts per type and direction, time span, damage. */
import { type Dir } from '../../src-shared/records';
import { type CaptureReader, type IndexInfo } from './reader';
import { type SessionMeta } from './session-meta';
import { type CaptureWarning } from './errors';

export interface TypeCount {
  readonly dialect: string;
  readonly type: string;
  readonly c2s: number;
  readonly s2c: number;
}

export interface SessionSummary {
  readonly meta: SessionMeta;
  readonly records: number;
  readonly first?: number;
  readonly last?: number;
}

export interface CaptureSummary {
  readonly path: string;
  readonly captureId?: string;
  readonly application?: string;
  readonly files: readonly { readonly path: string; readonly part: number; readonly size: number }[];
  readonly bytes: number;
  readonly records: number;
  readonly byDir: Readonly<Record<Dir, number>>;
  readonly types: readonly TypeCount[];
  readonly sessions: readonly SessionSummary[];
  readonly first?: number;
  readonly last?: number;
  readonly errors: number;
  readonly faulted: number;
  readonly encrypted: number;
  readonly truncated: boolean;
  readonly warnings: readonly CaptureWarning[];
  readonly index: IndexInfo;
  readonly writerPid?: number;
}

/** One pass over the records' summaries, in columns (no record objects, no bodies). */
export async function summarizeCapture(reader: CaptureReader): Promise<CaptureSummary> {
  // Per dialect, per type: the same few names in millions of rows, so nested maps rather than a joined key per row.
  const types = new Map<string, Map<string, { dialect: string; type: string; c2s: number; s2c: number }>>();
  const perSession = new Map<number, { records: number; first?: number; last?: number }>();
  const byDir = { c2s: 0, s2c: 0 };
  let first: number | undefined;
  let last: number | undefined;
  let errors = 0;
  let faulted = 0;
  let encrypted = 0;
  let records = 0;
  for await (const b of reader.summaryBatches()) {
    for (let i = 0; i < b.length; i++) {
      records++;
      const dir = b.dir(i);
      const time = b.time[i]!;
      byDir[dir]++;
      let byType = types.get(b.dialect[i]!);
      if (!byType) types.set(b.dialect[i]!, (byType = new Map()));
      let t = byType.get(b.type[i]!);
      if (!t) byType.set(b.type[i]!, (t = { dialect: b.dialect[i]!, type: b.type[i]!, c2s: 0, s2c: 0 }));
      t[dir]++;
      let s = perSession.get(b.session[i]!);
      if (!s) perSession.set(b.session[i]!, (s = { records: 0 }));
      s.records++;
      s.first = Math.min(s.first ?? time, time);
      s.last = Math.max(s.last ?? time, time);
      first = Math.min(first ?? time, time);
      last = Math.max(last ?? time, time);
      if (b.error[i]) errors++;
      if (b.faults[i]?.length) faulted++;
      if (b.pdu(i) === 'wire') encrypted++;
    }
  }
  const sessions = (await reader.sessions()).map((meta) => {
    const s = perSession.get(meta.session);
    return { meta, records: s?.records ?? 0, ...(s?.first !== undefined ? { first: s.first, last: s.last } : {}) };
  });
  const files = reader.files;
  return {
    path: reader.path,
    ...(reader.captureId ? { captureId: reader.captureId } : {}),
    ...(reader.application ? { application: reader.application } : {}),
    files,
    bytes: files.reduce((n, f) => n + f.size, 0),
    records,
    byDir,
    types: [...types.values()].flatMap((m) => [...m.values()]).sort((a, b) => b.c2s + b.s2c - (a.c2s + a.s2c) || a.type.localeCompare(b.type)),
    sessions,
    ...(first !== undefined ? { first, last } : {}),
    errors,
    faulted,
    encrypted,
    truncated: reader.truncatedTail,
    warnings: reader.warnings,
    index: reader.index,
    ...(reader.writer ? { writerPid: reader.writer.pid } : {}),
  };
}
