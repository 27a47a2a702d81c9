/**
 * One file of a capture, opened for reading: its handle, its size, and the
 * section header and interfaces at its start — what random access needs to
 * decode a block found through the index.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { BlockType, LINKTYPE_WIRESHARK_UPPER_PDU } from './pcapng/constants';
import { NotPcapngError, newScanState, scanWindow, type BlockVisitor, type RawBlock, type RunVisitor, type ScanIssue, type ScanState } from './pcapng/scan';
import { readBlocks, type ReadBlocksResult } from './pcapng/blocks';
import { FileWindows, readFully } from './pcapng/file-windows';
import { PartContext } from './part-context';
import { CaptureError, type CaptureWarning } from './errors';

const HEADER_WINDOW = 64 * 1024;

export class PartFile {
  private constructor(
    readonly path: string,
    readonly part: number,
    private readonly handle: FileHandle,
    public size: number,
    /** Byte order of the first section. */
    readonly littleEndian: boolean,
    /** The interfaces and capture info of the file's first section. */
    private readonly header: PartContext,
  ) {}

  static async open(path: string, part: number): Promise<PartFile> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new CaptureError('NOT_FOUND', code === 'ENOENT' ? `${path}: no such capture file` : `${path}: ${(e as Error).message}`);
    }
    try {
      const size = (await handle.stat()).size;
      const buf = new Uint8Array(Math.min(size, HEADER_WINDOW));
      const got = await readFully(handle, buf, 0);
      const window = buf.subarray(0, got);
      if (got < 4 || window[0] !== 0x0a || window[1] !== 0x0d || window[2] !== 0x0d || window[3] !== 0x0a) {
        throw new CaptureError('NOT_PCAPNG', `${path}: ${new NotPcapngError(window.subarray(0, 16)).message}`);
      }
      const state = newScanState();
      let scan;
      try {
        scan = scanWindow(window, 0, size, state);
      } catch (e) {
        if (e instanceof NotPcapngError) throw new CaptureError('NOT_PCAPNG', `${path}: ${e.message}`);
        throw e;
      }
      const ctx = new PartContext(part);
      let le = true;
      let sawShb = false;
      for (const b of scan.blocks) {
        if (b.type !== BlockType.SHB && b.type !== BlockType.IDB) break;
        if (b.type === BlockType.SHB) {
          if (sawShb) break; // a second section: its interfaces are not the file's first ones
          sawShb = true;
          le = b.littleEndian;
        }
        const problem = ctx.observe(b);
        if (problem) throw new CaptureError('BAD_HEADER', `${path}: ${problem}`);
        const idb = ctx.interfaces[ctx.interfaces.length - 1];
        if (b.type === BlockType.IDB && idb && idb.linkType !== LINKTYPE_WIRESHARK_UPPER_PDU) {
          throw new CaptureError(
            'WRONG_LINK_TYPE',
            `${path}: interface ${ctx.interfaces.length - 1} has link type ${idb.linkType}; otbridge captures use ${LINKTYPE_WIRESHARK_UPPER_PDU} (Wireshark upper PDU). Is this a raw network capture?`,
          );
        }
      }
      if (!sawShb) {
        const first = scan.issues[0];
        const why = first ? (first.kind === 'corrupt' ? first.reason : first.kind === 'truncated' ? `the section header is cut short (${first.available} of ${first.declared} bytes)` : first.kind) : 'no section header';
        throw new CaptureError('BAD_HEADER', `${path}: unreadable section header: ${why}`);
      }
      return new PartFile(path, part, handle, size, le, ctx);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  get captureId(): string | undefined {
    return this.header.info?.capture;
  }

  get application(): string | undefined {
    return this.header.userAppl ?? this.header.info?.app;
  }

  /** A fresh decoding context for a block anywhere in the first section. */
  context(): PartContext {
    const c = new PartContext(this.part);
    c.interfaces = [...this.header.interfaces];
    c.info = this.header.info;
    c.userAppl = this.header.userAppl;
    return c;
  }

  /** Scan state to resume reading at a block boundary inside the first section. */
  scanState(): ScanState {
    return { le: this.littleEndian, section: 0, resync: null, skipSection: false };
  }

  /** Re-reads the size (the file may be growing). */
  async refreshSize(): Promise<number> {
    this.size = (await this.handle.stat()).size;
    return this.size;
  }

  blocks(from: number, to: number, state: ScanState, out: ReadBlocksResult, windowBytes?: number, visit?: BlockVisitor, run?: RunVisitor): AsyncGenerator<{ blocks: RawBlock[]; issues: ScanIssue[] }> {
    return readBlocks(this.handle, from, Math.min(to, this.size), state, out, windowBytes, visit, run);
  }

  /** A sliding window over this file as it is now (reads ahead; see FileWindows). */
  windows(windowBytes: number): FileWindows {
    return new FileWindows(this.handle, this.size, windowBytes);
  }

  /** Reads `len` bytes at `offset` (fewer at the end of the file). */
  async read(offset: number, len: number): Promise<Uint8Array> {
    const buf = new Uint8Array(Math.max(0, Math.min(len, this.size - offset)));
    const got = await readFully(this.handle, buf, offset);
    return buf.subarray(0, got);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/** A scan issue as a reader warning for this file. */
export function issueWarning(file: string, issue: ScanIssue): CaptureWarning {
  switch (issue.kind) {
    case 'truncated':
      return {
        kind: 'truncated',
        file,
        offset: issue.offset,
        message: `last block at offset ${issue.offset} is cut short: ${issue.available} of ${issue.declared} bytes present (a crash while writing?); everything before it is readable`,
      };
    case 'corrupt':
      return {
        kind: 'corrupt',
        file,
        offset: issue.offset,
        message:
          issue.resumedAt === null
            ? `${issue.reason}; no valid block after offset ${issue.offset}, the rest of the file was skipped`
            : `${issue.reason}; skipped ${issue.resumedAt - issue.offset} bytes to the next valid block at offset ${issue.resumedAt}`,
      };
    case 'unsupported-section':
      return { kind: 'unsupported-section', file, offset: issue.offset, message: `section at offset ${issue.offset} has pcapng version ${issue.version}; its blocks were skipped` };
  }
}
