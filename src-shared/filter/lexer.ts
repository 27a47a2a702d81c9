/**
 * Splits a filter into tokens, each with its offset in the text so that every
 * error can point at the characters that caused it.
 */
import { FilterSyntaxError } from './error';

export type Op = ':' | '=' | '!=' | '>' | '>=' | '<' | '<=';

export interface TermToken {
  readonly k: 'term';
  /** Offset and length of the whole term. */
  readonly at: number;
  readonly len: number;
  readonly field: string;
  readonly op: Op | null;
  readonly opAt: number;
  /** The value without its quotes, and where its first character is in the text. */
  readonly value: string;
  readonly valueAt: number;
  readonly valueLen: number;
  /** Quoted values are one literal: no lists, ranges or wildcards-by-accident are split out of them. */
  readonly quoted: boolean;
}

export type Token =
  | { readonly k: '(' | ')' | 'not' | 'or' | 'and'; readonly at: number; readonly len: number }
  | TermToken;

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v' || c === '\u00a0';
const isBoundary = (c: string | undefined): boolean => c === undefined || isSpace(c) || c === '(' || c === ')';
const isNameStart = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isNameChar = (c: string): boolean => isNameStart(c) || (c >= '0' && c <= '9');

const KEYWORDS: Readonly<Record<string, 'not' | 'or' | 'and'>> = { or: 'or', and: 'and', not: 'not' };

/** Length of the run of non-boundary characters from `i`, at least 1 (for error spans). */
function runLength(text: string, i: number): number {
  let j = i;
  while (j < text.length && !isBoundary(text[j])) j++;
  return Math.max(1, j - i);
}

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      out.push({ k: c, at: i, len: 1 });
      i++;
      continue;
    }
    if (c === '!' || c === '-') {
      out.push({ k: 'not', at: i, len: 1 });
      i++;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '||' || two === '&&') {
      out.push({ k: two === '||' ? 'or' : 'and', at: i, len: 2 });
      i += 2;
      continue;
    }
    if (!isNameStart(c)) {
      throw new FilterSyntaxError(`expected a field name (such as type:PLAYER_MOVE), got "${text.slice(i, i + runLength(text, i))}"`, i, runLength(text, i));
    }
    const start = i;
    while (i < text.length && isNameChar(text[i]!)) i++;
    const field = text.slice(start, i);
    const op = readOp(text, i);
    if (op === null) {
      if (!isBoundary(text[i])) {
        throw new FilterSyntaxError(`unexpected "${text[i]}" after "${field}": compare with : = != > >= < <=`, i, 1);
      }
      const kw = KEYWORDS[field.toLowerCase()];
      if (kw) out.push({ k: kw, at: start, len: i - start });
      else out.push({ k: 'term', at: start, len: i - start, field, op: null, opAt: i, value: '', valueAt: i, valueLen: 0, quoted: false });
      continue;
    }
    const opAt = i;
    i += op.len;
    if (isBoundary(text[i])) throw new FilterSyntaxError(`"${field}${op.op}" needs a value`, start, i - start);
    let value: string;
    let valueLen: number;
    let quoted = false;
    const valueAt = i;
    if (text[i] === '"') {
      const q = readQuoted(text, i);
      value = q.value;
      valueLen = q.end - i;
      quoted = true;
      i = q.end;
      if (!isBoundary(text[i])) throw new FilterSyntaxError('expected a space or a parenthesis after the closing quote', i, 1);
    } else {
      while (!isBoundary(text[i])) i++;
      value = text.slice(valueAt, i);
      valueLen = i - valueAt;
    }
    out.push({ k: 'term', at: start, len: i - start, field, op: op.op, opAt, value, valueAt: quoted ? valueAt + 1 : valueAt, valueLen: quoted ? valueLen - 2 : valueLen, quoted });
  }
  return out;
}

function readOp(text: string, i: number): { op: Op; len: number } | null {
  const two = text.slice(i, i + 2);
  if (two === '>=' || two === '<=' || two === '!=') return { op: two, len: 2 };
  if (two === '==') return { op: '=', len: 2 };
  const c = text[i];
  if (c === ':' || c === '=' || c === '>' || c === '<') return { op: c, len: 1 };
  return null;
}

/** A double-quoted string with \" and \\ escapes; `end` is just past the closing quote. */
function readQuoted(text: string, open: number): { value: string; end: number } {
  let value = '';
  let i = open + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') return { value, end: i + 1 };
    if (c === '\\' && i + 1 < text.length) {
      value += text[i + 1];
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  throw new FilterSyntaxError('unterminated quote: close it with "', open, text.length - open);
}
