/**
 * OTClient's packet recording format (src/framework/net/packet_recorder.cpp
 * writes it, packet_player.cpp reads it; g_game.playRecord plays it back):
 * one line per message,
 *
 *     <direction> <ms> <hex>
 *
 * `<` a message the client received, `>` one it sent; ms since the recorder
 * started; the decrypted, decompressed message in lowercase hex. The player
 * splits on whitespace and ignores directions other than < and >.
 */

export interface RecordingEntry {
  /** '<' received by the client (server → client), '>' sent by it. */
  readonly mark: '<' | '>';
  readonly ms: number;
  readonly bytes: Uint8Array;
  /** 1-based line in the file it came from. */
  readonly line: number;
}

export interface RecordingProblem {
  readonly line: number;
  readonly message: string;
}

export interface ParsedRecording {
  readonly entries: RecordingEntry[];
  /** Lines that were skipped, and why. */
  readonly problems: RecordingProblem[];
}

/** OTClient's message buffer: a recorded message cannot be longer. */
export const MAX_RECORDED_BYTES = 65536;

const LINE = /^([<>])[ \t]+(\d{1,15})[ \t]+([0-9A-Fa-f]*)[ \t]*$/;

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

export function bytesToHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += (x < 16 ? '0' : '') + x.toString(16);
  return s;
}

/** Parses a recording; never throws: bad lines are listed in `problems` and skipped. */
export function parseRecording(text: string): ParsedRecording {
  const entries: RecordingEntry[] = [];
  const problems: RecordingProblem[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    if (raw.trim() === '') continue;
    const line = i + 1;
    if (raw.length > 2 * MAX_RECORDED_BYTES + 32) {
      problems.push({ line, message: `line of ${raw.length} characters: longer than a ${MAX_RECORDED_BYTES}-byte message can be` });
      continue;
    }
    const m = LINE.exec(raw);
    if (!m) {
      const first = raw.trim().split(/\s+/)[0] ?? '';
      problems.push({
        line,
        message: first === '<' || first === '>' ? 'expected "<|> <ms> <hex>"' : `direction "${first.slice(0, 16)}" is neither < nor > (OTClient's player ignores such lines)`,
      });
      continue;
    }
    const hex = m[3]!;
    if (hex.length === 0) {
      problems.push({ line, message: 'empty message (OTClient would read the next line as its hex)' });
      continue;
    }
    if (hex.length % 2) {
      problems.push({ line, message: `odd number of hex digits (${hex.length})` });
      continue;
    }
    const ms = Number(m[2]);
    if (!Number.isSafeInteger(ms)) {
      problems.push({ line, message: `time ${m[2]} ms is out of range` });
      continue;
    }
    entries.push({ mark: m[1] as '<' | '>', ms, bytes: hexToBytes(hex), line });
  }
  return { entries, problems };
}

/** The recording text for entries, exactly as OTClient's recorder writes it. */
export function formatRecording(entries: readonly Pick<RecordingEntry, 'mark' | 'ms' | 'bytes'>[]): string {
  let s = '';
  for (const e of entries) s += `${e.mark} ${Math.max(0, Math.round(e.ms))} ${bytesToHex(e.bytes)}\n`;
  return s;
}
