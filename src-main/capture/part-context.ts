/**
 * What decoding a packet needs to know about the file it is in: the
 * current section's interfaces (link type, timestamp resolution) and what
 * the section header says about the capture.
 */
import { BlockType } from './pcapng/constants';
import { parseIdb, parseShb, type IdbInfo } from './pcapng/parse';
import { type RawBlock } from './pcapng/scan';

/** What a part file says about itself in its section header (otbridge's capture-info option). */
export interface CaptureInfo {
  /** Random id shared by every part of one capture (32 hex digits). */
  readonly capture: string;
  readonly part: number;
  readonly created?: number;
  readonly app?: string;
}

/** Per-file decoding state: the current section's interfaces. */
export class PartContext {
  interfaces: (IdbInfo | undefined)[] = [];
  info: CaptureInfo | undefined;
  userAppl: string | undefined;
  constructor(readonly part: number) {}

  /** Follows SHB and IDB blocks; returns a problem text for a malformed one. */
  observe(block: RawBlock): string | null {
    if (block.type === BlockType.SHB) {
      const shb = parseShb(block.body, block.littleEndian);
      if (typeof shb === 'string') return shb;
      this.interfaces = [];
      this.userAppl = shb.userAppl;
      for (const c of shb.custom) {
        const info = parseCaptureInfo(c);
        if (info) this.info = info;
      }
      return null;
    }
    if (block.type === BlockType.IDB) {
      const idb = parseIdb(block.body, block.littleEndian);
      this.interfaces.push(typeof idb === 'string' ? undefined : idb);
      return typeof idb === 'string' ? idb : null;
    }
    return null;
  }

  /**
   * The id of a packet that has none (another tool's capture): its position,
   * part × 2^40 + offset — unique, in file order, and the same whichever
   * way the packet is reached (scan, index, random access).
   */
  anonymousId(offset: number): number {
    return this.part * 2 ** 40 + offset;
  }
}

function parseCaptureInfo(text: string): CaptureInfo | undefined {
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    if (v && v.kind === 'capture' && typeof v.capture === 'string' && /^[0-9a-f]{32}$/.test(v.capture) && typeof v.part === 'number') {
      return {
        capture: v.capture,
        part: v.part,
        ...(typeof v.created === 'number' ? { created: v.created } : {}),
        ...(typeof v.app === 'string' ? { app: v.app } : {}),
      };
    }
  } catch {
    // not ours
  }
  return undefined;
}

/** Timestamp units → ms since the epoch, with one rounding (µs: ts / 1000, as the writer computed ts = ms × 1000). */
export function tsToMs(ts: number, unitsPerSecond: number): number {
  if (unitsPerSecond === 1_000_000) return ts / 1000; // µs, what otbridge writes: the general rule below, without its modulo
  return unitsPerSecond % 1000 === 0 ? ts / (unitsPerSecond / 1000) : (ts * 1000) / unitsPerSecond;
}
