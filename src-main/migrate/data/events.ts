/**
 * What a data migration tells whoever drives it (the CLI's progress bar, the
 * console's wizard). Plain data, so it crosses IPC and WebSocket as is.
 */
import { type MigrationProgress, type MigrationSummary, type MigrationTableSummary } from '../../../src-shared/ipc/migrate';

// The shapes are plain data shared with the console (src-shared/ipc/migrate.ts): one definition for both.
export type TableSummary = MigrationTableSummary;
export type RunSummary = MigrationSummary;
/** The engine's progress: the console's MigrationProgress without what the console adds (its run state, elapsed time). */
export type ProgressEvent = Omit<MigrationProgress, 'runId' | 'state' | 'elapsedSeconds'>;

export interface MigrationEvents {
  plan: [{ tables: { source: string; target: string; estimate: number; targetRowsBefore: number }[]; warnings: readonly string[] }];
  /** reader: where the table is read (MigrationOptions.reader decided for this table). */
  'table-start': [{ source: string; target: string; estimate: number; resumedAt: number; reader: 'thread' | 'inline' }];
  progress: [ProgressEvent];
  reject: [{ table: string; key: Record<string, unknown>; reasons: readonly string[] }];
  warning: [{ message: string }];
  'table-end': [TableSummary];
  done: [RunSummary];
}
