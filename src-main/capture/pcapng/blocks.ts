/**
 * Reads the blocks of one pcapng file in large sequential windows (1 MiB by
 * default, the next one read ahead while this one is scanned): one read()
 * per window, never one per block, and a window grows only to fit a block
 * whose length has been checked against the limit and the file size.
 */
import { type FileHandle } from 'node:fs/promises';
import { MAX_BLOCK_BYTES } from './constants';
import { FileWindows, readFully } from './file-windows';
import { scanWindow, type BlockVisitor, type RawBlock, type RunVisitor, type ScanIssue, type ScanState } from './scan';

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
 *
 * The windows are reused: a batch's blocks are views that stay valid only
 * until the generator is resumed (copy what must outlive that).
 */
export async function* readBlocks(
  file: FileHandle,
  from: number,
  fileEnd: number,
  state: ScanState,
  out: ReadBlocksResult,
  windowBytes = DEFAULT_WINDOW,
  visit?: BlockVisitor,
  run?: RunVisitor,
): AsyncGenerator<BlockBatch, void, undefined> {
  const windows = new FileWindows(file, fileEnd, windowBytes);
  let pos = from;
  let need = windowBytes;
  out.end = from;
  out.truncatedTail = false;
  try {
    while (pos < windows.end) {
      const got = await windows.ensure(pos, Math.min(need, MAX_BLOCK_BYTES + windowBytes));
      const window = windows.bytes.subarray(pos - windows.base, pos - windows.base + got);
      // If the file shrank under us, what could be read is where it ends.
      const end = windows.end;
      const r = scanWindow(window, pos, end, state, visit, run);
      if (r.blocks.length > 0 || r.issues.length > 0) yield { blocks: r.blocks, issues: r.issues };
      if (r.need > 0) {
        if (r.next === pos && r.need <= window.length) throw new Error('readBlocks: no progress'); // cannot happen: guards the loop
        need = r.need;
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
      need = windowBytes;
    }
  } finally {
    await windows.close();
  }
}

export { readFully };
