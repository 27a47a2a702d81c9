/**
 * In-place edits on a config file's bytes (Latin-1 text, see lua.ts): each
 * edit replaces one byte range, everything else stays byte for byte.
 */
import { type ConfigEntry, latin1 } from './lua';

export interface TextEdit {
  readonly start: number;
  readonly end: number;
  /** Replacement, already as Latin-1 bytes. */
  readonly text: string;
}

export class EditConflict extends Error {}

export function applyEdits(bytes: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos) throw new EditConflict(`overlapping edits at byte ${e.start}`);
    out += bytes.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  return out + bytes.slice(pos);
}

/** Start of the line holding `offset`. */
export function lineStart(bytes: string, offset: number): number {
  return bytes.lastIndexOf('\n', offset - 1) + 1;
}

/** End of the line holding `offset` (the newline's index, or the end). */
export function lineEnd(bytes: string, offset: number): number {
  const i = bytes.indexOf('\n', offset);
  return i < 0 ? bytes.length : i;
}

/** Replaces an entry's value, keeping the name, spacing and any comment after it. */
export function setValue(e: ConfigEntry, luaText: string): TextEdit {
  return { start: e.valueRange[0], end: e.valueRange[1], text: latin1(luaText) };
}

/** Renames an entry's key, keeping its value text exactly. */
export function rename(bytes: string, e: ConfigEntry, to: string): TextEdit {
  const at = bytes.indexOf(bytesName(e.name), e.statement[0]);
  return { start: at, end: at + e.name.length, text: to };
}

const bytesName = (n: string): string => latin1(n);

/**
 * Comments out the lines of an entry's statement, each prefixed with `-- `,
 * with a note line above saying why. Other text on those lines (a trailing
 * comment) stays, now inside the comment.
 */
export function commentOut(bytes: string, e: ConfigEntry, note: string): TextEdit {
  const start = lineStart(bytes, e.statement[0]);
  const end = lineEnd(bytes, e.statement[1]);
  const indent = /^[ \t]*/.exec(bytes.slice(start, end))![0];
  const body = bytes
    .slice(start, end)
    .split('\n')
    .map((l) => `${l.slice(0, indent.length)}-- ${l.slice(indent.length)}`)
    .join('\n');
  return { start, end, text: `${indent}${latin1(`-- otbridge: ${note}`)}\n${body}` };
}

/** Inserts text at the end of the file, on lines of its own. */
export function append(bytes: string, luaText: string): TextEdit {
  const sep = bytes.length === 0 || bytes.endsWith('\n') ? '' : '\n';
  return { start: bytes.length, end: bytes.length, text: `${sep}${latin1(luaText)}` };
}
