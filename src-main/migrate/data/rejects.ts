/**
 * The rejects file: one NDJSON line per row that did not go, with the
 * table, its key, the whole source row and every reason. Written
 * synchronously before the batch's checkpoint, and cut back to the
 * checkpoint's size on resume, so each rejected row appears exactly once.
 */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { rowToJson, type Row } from './values';

/**
 * invalid: failed the profile's rules; duplicate: a second source row with the same key;
 * refused: the target database refused it; unreadable: a source line that is not a row.
 */
export type RejectKind = 'invalid' | 'duplicate' | 'refused' | 'unreadable';

export interface RejectRecord {
  readonly table: string;
  readonly kind: RejectKind;
  readonly key: Record<string, unknown>;
  readonly row: Record<string, unknown>;
  readonly reasons: readonly string[];
}

export class RejectsFile {
  private fd: number | undefined;
  private bytes = 0;

  constructor(readonly path: string) {}

  /** Opens for a new run (emptied) or a resumed one (cut back to `size`). */
  open(resumeAt?: number): void {
    if (resumeAt === undefined) this.fd = openSync(this.path, 'w');
    else {
      if (existsSync(this.path) && fstatSizeOf(this.path) > resumeAt) truncateSync(this.path, resumeAt);
      this.fd = openSync(this.path, 'a');
    }
    this.bytes = fstatSync(this.fd).size;
  }

  write(records: readonly RejectRecord[]): void {
    if (!records.length) return;
    if (this.fd === undefined) throw new Error('rejects file is not open');
    const text = `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;
    writeSync(this.fd, text);
    this.bytes += Buffer.byteLength(text);
  }

  /** Bytes written so far (what a resumed run cuts the file back to). */
  size(): number {
    return this.bytes;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

function fstatSizeOf(path: string): number {
  const fd = openSync(path, 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}

export function rejectRecord(table: string, kind: RejectKind, keyColumns: readonly string[], row: Row, reasons: readonly string[]): RejectRecord {
  const json = rowToJson(row);
  const key: Record<string, unknown> = {};
  for (const k of keyColumns) key[k] = json[k] ?? null;
  return { table, kind, key, row: json, reasons };
}

/** Every reject of a file (for the console's rejects browser and for verification). */
export function readRejects(path: string): RejectRecord[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RejectRecord);
}
