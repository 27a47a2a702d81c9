/**
 * What a data migration tells whoever drives it (the CLI's progress bar, the
 * console's wizard). Plain data, so it crosses IPC and WebSocket as is.
 */
import { type RunStatus, type RunType } from './checkpoint';

export interface TableSummary {
  readonly source: string;
  readonly target: string;
  readonly read: number;
  readonly written: number;
  readonly rejected: number;
  readonly seconds: number;
}

export interface ProgressEvent {
  readonly table: string;
  readonly tableIndex: number;
  readonly tableCount: number;
  /** Rows read in this run, all tables. */
  readonly rowsDone: number;
  /** Estimated rows of the whole run (source counts at the start). */
  readonly rowsTotal: number;
  readonly tableRowsDone: number;
  readonly tableRowsTotal: number;
  /** Rows per second over the last few seconds. */
  readonly rowsPerSecond: number;
  /** Seconds left at that rate, or null before there is a rate. */
  readonly etaSeconds: number | null;
  readonly rejected: number;
}

export interface RunSummary {
  readonly runId: string;
  readonly status: RunStatus;
  readonly type: RunType;
  readonly dryRun: boolean;
  readonly tables: readonly TableSummary[];
  readonly read: number;
  readonly written: number;
  readonly rejected: number;
  readonly seconds: number;
  readonly rejectsFile: string;
  readonly checkpointFile: string;
  readonly warnings: readonly string[];
  readonly unknownTables: readonly string[];
  readonly error?: string;
}

export interface MigrationEvents {
  plan: [{ tables: { source: string; target: string; estimate: number; targetRowsBefore: number }[]; warnings: readonly string[] }];
  'table-start': [{ source: string; target: string; estimate: number; resumedAt: number }];
  progress: [ProgressEvent];
  reject: [{ table: string; key: Record<string, unknown>; reasons: readonly string[] }];
  warning: [{ message: string }];
  'table-end': [TableSummary];
  done: [RunSummary];
}
