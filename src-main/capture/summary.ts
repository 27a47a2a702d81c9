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

/** One pass over the records (no bodies parsed). */
export async function summarizeCapture(reader: CaptureReader): Promise<CaptureSummary> {
  const types = new Map<string, { dialect: string; type: string; c2s: number; s2c: number }>();
  const perSession = new Map<number, { records: number; first?: number; last?: number }>();
  const byDir = { c2s: 0, s2c: 0 };
  let first: number | undefined;
  let last: number | undefined;
  let errors = 0;
  let faulted = 0;
  let encrypted = 0;
  let records = 0;
  for await (const r of reader.records({ bytes: false })) {
    records++;
    byDir[r.dir]++;
    const key = `${r.dialect}\u0000${r.type}`;
    let t = types.get(key);
    if (!t) types.set(key, (t = { dialect: r.dialect, type: r.type, c2s: 0, s2c: 0 }));
    t[r.dir]++;
    let s = perSession.get(r.session);
    if (!s) perSession.set(r.session, (s = { records: 0 }));
    s.records++;
    s.first = Math.min(s.first ?? r.time, r.time);
    s.last = Math.max(s.last ?? r.time, r.time);
    first = Math.min(first ?? r.time, r.time);
    last = Math.max(last ?? r.time, r.time);
    if (r.error) errors++;
    if (r.faults?.length) faulted++;
    if (r.pdu === 'wire') encrypted++;
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
    types: [...types.values()].sort((a, b) => b.c2s + b.s2c - (a.c2s + a.s2c) || a.type.localeCompare(b.type)),
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
