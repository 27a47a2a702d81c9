// luaparse ships no types: its declarations must load wherever this file is compiled, the tests' tsconfig included.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./luaparse.d.ts" />
/**
 * Reads a server config.lua (TFS, Canary: plain Lua globals) with a real Lua
 * parser and finds each global assignment with the exact byte range of its
 * value, so edits can replace just that and leave every comment, blank line
 * and space where it was.
 *
 * The file is handled as bytes: decoded as Latin-1 (one char per byte), so
 * parser offsets are byte offsets and untouched bytes are written back
 * unchanged even when the file is not valid UTF-8. String values are
 * re-decoded as UTF-8 for display and validation.
 *
 * Values are evaluated the way the server would read them, for constant
 * expressions: literals, arithmetic (`24 * 60 * 60`), concatenation, tables,
 * and earlier globals. Anything else (a function call, os.getenv) is
 * "dynamic": kept, and reported as not checkable.
 */
import luaparse, { type LuaChunk, type LuaNode } from 'luaparse';

export type LuaValue = null | boolean | number | string | LuaTable;
export interface LuaTable {
  readonly array: LuaValue[];
  readonly hash: Record<string, LuaValue>;
}

export const DYNAMIC = Symbol('dynamic');

export interface ConfigEntry {
  readonly name: string;
  /** 1-based line of the assignment. */
  readonly line: number;
  /** Byte range of the whole statement `name = value`. */
  readonly statement: readonly [number, number];
  /** Byte range of the value expression. */
  readonly valueRange: readonly [number, number];
  /** The value's source text (UTF-8). */
  readonly valueText: string;
  readonly value: LuaValue | typeof DYNAMIC;
}

export interface LuaConfig {
  /** The file as Latin-1 text (byte per char): what edits apply to. */
  readonly bytes: string;
  /** Top-level global assignments in order; a key assigned twice appears twice. */
  readonly entries: readonly ConfigEntry[];
  readonly chunk: LuaChunk;
  /** The last assignment of each key: what the server ends up with. */
  get(name: string): ConfigEntry | undefined;
}

export class LuaSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

export const latin1 = (utf8: string): string => Buffer.from(utf8, 'utf8').toString('latin1');
export const utf8 = (bytes: string): string => Buffer.from(bytes, 'latin1').toString('utf8');

export function parseLua(bytes: string): LuaChunk {
  try {
    return luaparse.parse(bytes, { comments: true, ranges: true, locations: true, luaVersion: '5.3', encodingMode: 'pseudo-latin1' });
  } catch (e) {
    const err = e as Error & { line?: number; column?: number };
    throw new LuaSyntaxError(err.line ?? 0, err.column ?? 0, err.message.replace(/^\[\d+:\d+\]\s*/, ''));
  }
}

/** Parses config.lua bytes (a Buffer, or text that is decoded from UTF-8 first). */
export function readLuaConfig(input: Uint8Array | string): LuaConfig {
  const bytes = typeof input === 'string' ? latin1(input) : Buffer.from(input).toString('latin1');
  const chunk = parseLua(bytes);
  const entries: ConfigEntry[] = [];
  const env = new Map<string, LuaValue | typeof DYNAMIC>();
  for (const st of chunk.body) {
    if (st.type !== 'AssignmentStatement') continue;
    const vars = st.variables as LuaNode[];
    const init = st.init as LuaNode[];
    vars.forEach((v, i) => {
      if (v.type !== 'Identifier') return;
      const expr = init[i];
      const name = v.name as string;
      const value: LuaValue | typeof DYNAMIC = expr ? evaluate(expr, env) : null;
      env.set(name, value);
      if (!expr) return;
      entries.push({
        name,
        line: st.loc.start.line,
        statement: st.range,
        valueRange: expr.range,
        valueText: utf8(bytes.slice(expr.range[0], expr.range[1])),
        value,
      });
    });
  }
  const last = new Map(entries.map((e) => [e.name, e]));
  return { bytes, entries, chunk, get: (n) => last.get(n) };
}

/** The value of a constant expression, or DYNAMIC. */
export function evaluate(node: LuaNode, env: ReadonlyMap<string, LuaValue | typeof DYNAMIC> = new Map()): LuaValue | typeof DYNAMIC {
  switch (node.type) {
    case 'NilLiteral':
      return null;
    case 'BooleanLiteral':
      return node.value as boolean;
    case 'NumericLiteral':
      return node.value as number;
    case 'StringLiteral':
      return utf8(node.value as string);
    case 'Identifier':
      return env.has(node.name as string) ? env.get(node.name as string)! : DYNAMIC;
    case 'UnaryExpression': {
      const v = evaluate(node.argument as LuaNode, env);
      if (v === DYNAMIC) return DYNAMIC;
      if (node.operator === '-' && typeof v === 'number') return -v;
      if (node.operator === 'not') return v === null || v === false;
      return DYNAMIC;
    }
    case 'BinaryExpression': {
      const a = evaluate(node.left as LuaNode, env);
      const b = evaluate(node.right as LuaNode, env);
      if (a === DYNAMIC || b === DYNAMIC) return DYNAMIC;
      if (node.operator === '..' && (typeof a === 'string' || typeof a === 'number') && (typeof b === 'string' || typeof b === 'number')) return `${a}${b}`;
      if (typeof a !== 'number' || typeof b !== 'number') return DYNAMIC;
      switch (node.operator) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          return a / b;
        case '//':
          return Math.floor(a / b);
        case '%':
          return a - Math.floor(a / b) * b;
        case '^':
          return a ** b;
        default:
          return DYNAMIC;
      }
    }
    case 'TableConstructorExpression': {
      const table: LuaTable = { array: [], hash: {} };
      for (const f of node.fields as LuaNode[]) {
        const v = evaluate(f.value as LuaNode, env);
        if (v === DYNAMIC) return DYNAMIC;
        if (f.type === 'TableValue') table.array.push(v);
        else if (f.type === 'TableKeyString') table.hash[(f.key as LuaNode).name as string] = v;
        else {
          const k = evaluate(f.key as LuaNode, env);
          if (k === DYNAMIC || k === null || typeof k === 'object') return DYNAMIC;
          table.hash[String(k)] = v;
        }
      }
      return table;
    }
    case 'LogicalExpression': {
      const a = evaluate(node.left as LuaNode, env);
      if (a === DYNAMIC) return DYNAMIC;
      const truthy = a !== null && a !== false;
      if (node.operator === 'and') return truthy ? evaluate(node.right as LuaNode, env) : a;
      return truthy ? a : evaluate(node.right as LuaNode, env);
    }
    default:
      return DYNAMIC;
  }
}

/** Lua source for a JS value (new keys, converted values). */
export function luaLiteral(v: LuaValue): string {
  if (v === null) return 'nil';
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v).replace(/\\u([0-9a-f]{4})/g, (_, h: string) => `\\u{${h}}`);
  const parts = [...v.array.map(luaLiteral), ...Object.entries(v.hash).map(([k, x]) => `${/^[A-Za-z_]\w*$/.test(k) ? k : `[${JSON.stringify(k)}]`} = ${luaLiteral(x)}`)];
  return `{ ${parts.join(', ')} }`;
}

export function describeValue(v: LuaValue | typeof DYNAMIC): string {
  if (v === DYNAMIC) return 'a value computed at run time';
  if (v === null) return 'nil';
  if (typeof v === 'object') return 'a table';
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}
