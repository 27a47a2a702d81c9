/**
 * Where the indexer puts the entries it finds: the in-memory IndexTable of
 * a reader, or a consumer that keeps only what it needs from each entry (a
 * replay's per-session positions, the index file being written) so that a
 * pass over a big capture holds no table of it in memory.
 */
import { type IndexEntry } from './index-table';
import { type EntryChunk } from './entry-chunk';

export interface IndexSink {
  /** One entry, its fields passed one by one: the indexer's hot loop makes no object per block. */
  pushFields(id: number, time: number, part: number, offset: number, session: number, code: number, bits: number): void;
  push(e: IndexEntry): void;
  /** Entries [0, chunk.length) of a chunk, in order (the chunk is reused once this returns). */
  pushEntries(chunk: EntryChunk): void;
}

/**
 * A sink that can keep the producer's chunk instead of copying it (the
 * index file's writer: the chunk is written as it is): it takes `chunk`,
 * entries [0, chunk.length), and gives back an empty chunk of the same
 * capacity for the producer to fill next. The producer never touches the
 * chunk it gave away.
 */
export interface AdoptingSink extends IndexSink {
  adoptEntries(chunk: EntryChunk): EntryChunk;
}

export const adopts = (s: IndexSink): s is AdoptingSink => typeof (s as Partial<AdoptingSink>).adoptEntries === 'function';

/** Where the blocks an index names are: what reading them by position needs (an IndexTable, or one session's positions). */
export interface BlockLocations {
  /** Positions 0 … length - 1. */
  readonly length: number;
  part(i: number): number;
  offset(i: number): number;
  isSessionBlock(i: number): boolean;
}
