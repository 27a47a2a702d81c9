/**
 * Where Traffic, State and Conflicts read from: the running proxy ('live')
 * or a capture opened in the console. Session numbers repeat across sources
 * (every capture has a session 1), so a session is named by its source too.
 */
import type { SessionRow, SourceRef } from '../src-shared/ipc/contract';

export const LIVE: SourceRef = 'live';

export const sameSource = (a: SourceRef, b: SourceRef): boolean => (a === 'live' || b === 'live' ? a === b : a.capture === b.capture);

/** 'live' or 'capture:3': a source as a string (Map keys, <select> values). */
export const sourceKey = (ref: SourceRef): string => (ref === 'live' ? 'live' : `capture:${ref.capture}`);

export function parseSourceKey(key: string): SourceRef | null {
  if (key === 'live') return LIVE;
  const m = /^capture:(\d+)$/.exec(key);
  return m ? { capture: Number(m[1]) } : null;
}

export const sourceOfRow = (row: SessionRow): SourceRef => (row.source === 'capture' && row.capture !== undefined ? { capture: row.capture } : LIVE);

/** 'live/3', 'capture:2/3'. */
export const sessionKey = (row: SessionRow): string => `${sourceKey(sourceOfRow(row))}/${row.id}`;

/** The sessions of one source, in the Map's order. */
export function sessionsIn(all: ReadonlyMap<string, SessionRow>, ref: SourceRef): SessionRow[] {
  const out: SessionRow[] = [];
  for (const r of all.values()) if (sameSource(sourceOfRow(r), ref)) out.push(r);
  return out;
}

/**
 * The `source` field of a request: absent for live, so requests about the
 * proxy look exactly as they did before captures could be opened.
 */
export const sourceParam = (ref: SourceRef): { source?: SourceRef } => (ref === 'live' ? {} : { source: ref });
