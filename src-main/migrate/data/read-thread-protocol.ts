/**
 * What passes between the writer (read-thread.ts) and its reader thread
 * (read-thread-main.ts).
 *
 *   writer                                   reader thread
 *   new Worker(entry, { workerData: start }) opens the SQLite source, compiles the mapper
 *                                  ◀──────── batch (packed rows), up to `ahead` unasked
 *   'more' after taking each one   ────────▶ may read one more
 *                                  ◀──────── end | error
 *   terminate() when done, cancelled or failed
 */
import { type TransformContext } from './transforms';
import { type PackedRows } from './packed-rows';
import { type ReadPlan } from './read-batches';
import { type RejectRecord } from './rejects';

/** workerData: tells the entry point this thread is a reader, and what to read. */
export interface ReaderStart {
  readonly kind: 'otbridge-migrate-reader';
  readonly sourcePath: string;
  /** A ReadPlan without its predicate (a function cannot cross; SQL sources have none). */
  readonly read: Omit<ReadPlan, 'predicate'>;
  readonly ctx: TransformContext;
  /** Batches the thread may hand over before the writer asks for more. */
  readonly ahead: number;
}

export type ReaderMessage =
  | {
      readonly type: 'batch';
      readonly rows: PackedRows;
      readonly rejects: RejectRecord[];
      readonly read: number;
      readonly after: unknown[];
      readonly line?: number;
      readonly watermark?: Record<string, unknown>;
    }
  | { readonly type: 'end' }
  | { readonly type: 'error'; readonly message: string; readonly code?: string };

export const MORE = 'more';
