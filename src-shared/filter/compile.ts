/**
 * Syntax tree → one closure per node. Values are parsed and checked here,
 * once, so evaluation is property reads and comparisons only.
 */
import type { MessageSummary } from '../records';
import { FilterSyntaxError } from './error';
import { closestField, fieldByName, type EnumField, type FieldDef, type NumberField, type TextField } from './fields';
import type { Op, TermToken } from './lexer';
import type { Node } from './parser';

export type Test = (s: MessageSummary) => boolean;

export interface Compiled {
  readonly test: Test;
  readonly describe: string;
}

const always: Test = () => true;

export function compileNode(node: Node): Compiled {
  switch (node.k) {
    case 'all':
      return { test: always, describe: 'all messages' };
    case 'term':
      return compileTerm(node.term);
    case 'not': {
      const inner = compileNode(node.item);
      const t = inner.test;
      return { test: (s) => !t(s), describe: `not ${group(node.item, inner.describe)}` };
    }
    case 'and':
    case 'or': {
      const parts = node.items.map(compileNode);
      const tests = parts.map((p) => p.test);
      const describe = parts.map((p, i) => group(node.items[i]!, p.describe, node.k)).join(` ${node.k} `);
      return { test: node.k === 'and' ? allOf(tests) : anyOf(tests), describe };
    }
  }
}

/** Parenthesise a sub-description when its operator binds looser than where it goes. */
function group(node: Node, text: string, parent?: 'and' | 'or'): string {
  if (node.k === 'or' && parent !== 'or') return `(${text})`;
  if (node.k === 'and' && parent === undefined) return `(${text})`;
  return text;
}

// Two-item forms avoid the loop for the common case; neither form allocates when called.
function allOf(ts: readonly Test[]): Test {
  if (ts.length === 2) {
    const [a, b] = ts as [Test, Test];
    return (s) => a(s) && b(s);
  }
  return (s) => {
    for (let i = 0; i < ts.length; i++) if (!ts[i]!(s)) return false;
    return true;
  };
}

function anyOf(ts: readonly Test[]): Test {
  if (ts.length === 1) return ts[0]!;
  if (ts.length === 2) {
    const [a, b] = ts as [Test, Test];
    return (s) => a(s) || b(s);
  }
  return (s) => {
    for (let i = 0; i < ts.length; i++) if (ts[i]!(s)) return true;
    return false;
  };
}

function compileTerm(t: TermToken): Compiled {
  const field = fieldByName(t.field);
  if (!field) throw unknownField(t);
  if (t.op === null) {
    if (field.bare) return { test: field.bare.test, describe: field.bare.describe };
    const example = field.examples[0] ?? `${field.name}:…`;
    throw new FilterSyntaxError(`"${t.field}" needs a value, e.g. ${example}`, t.at, t.len);
  }
  if (t.value === '') throw new FilterSyntaxError(`"${t.field}${t.op}" needs a value`, t.valueAt - 1, 2);
  switch (field.kind) {
    case 'number':
      return compileNumber(field, t, t.op);
    case 'text':
      return compileText(field, t, t.op);
    case 'enum':
      return compileEnum(field, t, t.op);
  }
}

function unknownField(t: TermToken): FilterSyntaxError {
  const near = closestField(t.field);
  const hint = near
    ? `; did you mean "${near}"?`
    : t.op === null && /^[A-Z][A-Z0-9_]*$/.test(t.field)
      ? `; to match a message type write type:${t.field}`
      : '; see the help (?) for the fields';
  return new FilterSyntaxError(`unknown field "${t.field}"${hint}`, t.at, t.field.length);
}

/** Comma-separated items of a value with their offsets; quoted values are one item. */
function items(t: TermToken): { text: string; at: number }[] {
  if (t.quoted) return [{ text: t.value, at: t.valueAt }];
  const out: { text: string; at: number }[] = [];
  let start = 0;
  for (let i = 0; i <= t.value.length; i++) {
    if (i === t.value.length || t.value[i] === ',') {
      const text = t.value.slice(start, i);
      if (text === '') throw new FilterSyntaxError('empty item in a comma-separated list', t.valueAt + Math.min(start, t.value.length - 1), 1);
      out.push({ text, at: t.valueAt + start });
      start = i + 1;
    }
  }
  return out;
}

const isEquality = (op: Op): boolean => op === ':' || op === '=' || op === '!=';
const shownOp = (op: Op): string => (op === ':' ? '=' : op);

function onlyEquality(field: FieldDef, t: TermToken): FilterSyntaxError {
  return new FilterSyntaxError(`"${field.name}" compares with :, = or != (not ${t.op})`, t.opAt, t.op!.length);
}

function compileText(field: TextField, t: TermToken, op: Op): Compiled {
  if (!isEquality(op)) throw onlyEquality(field, t);
  const patterns = items(t).map((i) => i.text);
  const match = field.match;
  let test: Test;
  if (patterns.length === 1) {
    const p = patterns[0]!;
    test = (s) => match(s, p);
  } else {
    test = (s) => {
      for (let i = 0; i < patterns.length; i++) if (match(s, patterns[i]!)) return true;
      return false;
    };
  }
  return negateIf(op, test, `${field.name} ${shownOp(op)} ${patterns.join(' or ')}`);
}

function compileEnum(field: EnumField, t: TermToken, op: Op): Compiled {
  if (!isEquality(op)) throw onlyEquality(field, t);
  const wanted = items(t).map((i) => {
    const v = field.values.find((x) => x === i.text.toLowerCase());
    if (!v) throw new FilterSyntaxError(`${field.name} is ${field.values.join(' or ')}, not "${i.text}"`, i.at, i.text.length);
    return v;
  });
  const read = field.read;
  const single = wanted.length === 1 ? wanted[0]! : null;
  const test: Test = single !== null ? (s) => read(s) === single : (s) => wanted.includes(read(s));
  return negateIf(op, test, `${field.name} ${shownOp(op)} ${wanted.join(' or ')}`);
}

function compileNumber(field: NumberField, t: TermToken, op: Op): Compiled {
  const get = field.get;
  const parse = (text: string, at: number): number => {
    const r = field.parse(text);
    if (!r.ok) throw new FilterSyntaxError(`${field.name}: ${r.message}`, at, Math.max(1, text.length));
    return r.value;
  };
  if (!isEquality(op)) {
    if (!t.quoted && (t.value.includes(',') || t.value.includes('..'))) {
      throw new FilterSyntaxError(`lists and ranges go with ":" (e.g. ${field.name}:1..5), not with ${op}`, t.valueAt, t.valueLen);
    }
    const x = parse(t.value, t.valueAt);
    const test = ordered(get, op, x);
    return { test, describe: `${field.name} ${op} ${show(field, x)}` };
  }
  // Equality: a list of values and inclusive ranges "a..b".
  const wanted = items(t).map((item) => {
    const dots = item.text.indexOf('..');
    if (dots < 0) {
      const v = parse(item.text, item.at);
      return { lo: v, hi: v };
    }
    if (dots === 0 || dots + 2 === item.text.length) {
      throw new FilterSyntaxError(`a range needs both ends, e.g. ${field.examples.find((e) => e.includes('..')) ?? `${field.name}:1..5`}`, item.at + dots, 2);
    }
    const lo = parse(item.text.slice(0, dots), item.at);
    const hi = parse(item.text.slice(dots + 2), item.at + dots + 2);
    if (lo > hi) throw new FilterSyntaxError(`empty range: ${item.text} starts above its end`, item.at, item.text.length);
    return { lo, hi };
  });
  let test: Test;
  if (wanted.length === 1 && wanted[0]!.lo === wanted[0]!.hi) {
    const x = wanted[0]!.lo;
    test = (s) => get(s) === x;
  } else if (wanted.length === 1) {
    const { lo, hi } = wanted[0]!;
    test = (s) => {
      const v = get(s);
      return v != null && v >= lo && v <= hi;
    };
  } else {
    test = (s) => {
      const v = get(s);
      if (v == null) return false;
      for (let i = 0; i < wanted.length; i++) if (v >= wanted[i]!.lo && v <= wanted[i]!.hi) return true;
      return false;
    };
  }
  const shown = wanted.map((w) => (w.lo === w.hi ? show(field, w.lo) : `${show(field, w.lo)}..${show(field, w.hi)}`)).join(' or ');
  return negateIf(op, test, `${field.name} ${shownOp(op)} ${shown}`);
}

function ordered(get: NumberField['get'], op: Op, x: number): Test {
  switch (op) {
    case '>':
      return (s) => {
        const v = get(s);
        return v != null && v > x;
      };
    case '>=':
      return (s) => {
        const v = get(s);
        return v != null && v >= x;
      };
    case '<':
      return (s) => {
        const v = get(s);
        return v != null && v < x;
      };
    default:
      return (s) => {
        const v = get(s);
        return v != null && v <= x;
      };
  }
}

/** `!=` is exactly "not =": a message without the field (no seq, no error) is != anything. */
function negateIf(op: Op, test: Test, describe: string): Compiled {
  return op === '!=' ? { test: (s) => !test(s), describe } : { test, describe };
}

function show(field: NumberField, x: number): string {
  if (field.unit === 'bytes') return `${x} B`;
  if (field.unit === 'ms') return `${x} ms`;
  return String(x);
}
