/**
 * Reads the blocks of one pcapng file in large sequential windows (1 MiB by
 * default): one read() per window, never one per block, and a window grows
 * only to fit a block whose length has been checked against the limit and
 * the file size.
 */
import { type FileHandle } from 'node:fs/promises';
import { MAX_BLOCK_BYTES } from './constants';
import { scanWindow, type BlockVisitor, type RawBlock, type ScanIssue, type ScanState } from './scan';

export const DEFAULT_WINDOW = 1 << 20;

export interface BlockBatch {
  readonly blocks: RawBlock[];
  readonly issues: ScanIssue[];
}

export interface ReadBlocksResult {
  /** Absolute offset after the last whole block read (where a follower resumes). */
  end: number;
  /** True when the bytes after `end` are the start of a block that runs past the end of the file. */
  truncatedTail: boolean;
}

/**
 * Yields batches of whole blocks from [from, fileEnd). `state` carries the
 * byte order and section across calls, so a follower can resume at `end`.
 * `out` is filled in when the generator finishes.
 */
export async function* readBlocks(
  file: FileHandle,
  from: number,
  fileEnd: number,
  state: ScanState,
  out: ReadBlocksResult,
  windowBytes = DEFAULT_WINDOW,
  visit?: BlockVisitor,
): AsyncGenerator<BlockBatch, void, undefined> {
  let pos = from;
  let want = windowBytes;
  out.end = from;
  out.truncatedTail = false;
  while (pos < fileEnd) {
    const size = Math.min(Math.max(want, windowBytes), fileEnd - pos, MAX_BLOCK_BYTES + windowBytes);
    // A fresh buffer per window: the blocks handed out are views into it.
    const buf = new Uint8Array(size);
    const got = await readFully(file, buf, pos);
    const window = got < size ? buf.subarray(0, got) : buf;
    // If the file shrank under us, what we could read is where it ends.
    const end = got < size ? pos + got : fileEnd;
    const r = scanWindow(window, pos, end, state, visit);
    if (r.blocks.length > 0 || r.issues.length > 0) yield { blocks: r.blocks, issues: r.issues };
    if (r.need > 0) {
      if (r.next === pos && r.need <= window.length) throw new Error('readBlocks: no progress'); // cannot happen: guards the loop
      want = r.need;
      pos = r.next;
      out.end = r.next;
      continue;
    }
    out.end = r.next;
    if (r.atTruncatedEnd || r.next >= end) {
      out.truncatedTail = r.atTruncatedEnd;
      return;
    }
    pos = r.next;
    want = windowBytes;
  }
}

/** Reads until `buf` is full or the file ends; returns the bytes read. */
export async function readFully(file: FileHandle, buf: Uint8Array, position: number): Promise<number> {
  let got = 0;
  while (got < buf.length) {
    const { bytesRead } = await file.read(buf, got, buf.length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}
