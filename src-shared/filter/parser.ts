/**
 * Tokens → syntax tree. Precedence, loosest first: `or`, then `and` (also
 * written as plain juxtaposition), then `!` / `-` / `not`, then parentheses.
 */
import { FilterSyntaxError } from './error';
import { tokenize, type TermToken, type Token } from './lexer';

export type Node =
  | { readonly k: 'all' }
  | { readonly k: 'and' | 'or'; readonly items: readonly Node[] }
  | { readonly k: 'not'; readonly item: Node }
  | { readonly k: 'term'; readonly term: TermToken };

/** Deeper nesting than this is refused rather than risking the stack on hostile input. */
export const MAX_DEPTH = 64;

export function parse(text: string): Node {
  const tokens = tokenize(text);
  if (tokens.length === 0) return { k: 'all' };
  const p = new Parser(tokens, text);
  const node = p.or(0);
  const extra = p.peek();
  if (extra) {
    // Only a stray ')' can stop the top level early.
    throw new FilterSyntaxError('unbalanced ")": no "(" opens it', extra.at, extra.len);
  }
  return node;
}

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly text: string,
  ) {}

  peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private last(): Token {
    return this.tokens[this.tokens.length - 1]!;
  }

  or(depth: number): Node {
    const items = [this.and(depth)];
    for (let t = this.peek(); t?.k === 'or'; t = this.peek()) {
      this.i++;
      const next = this.peek();
      if (!next || next.k === ')' || next.k === 'or' || next.k === 'and') {
        throw new FilterSyntaxError('"or" needs a condition after it', t.at, t.len);
      }
      items.push(this.and(depth));
    }
    return items.length === 1 ? items[0]! : { k: 'or', items };
  }

  private and(depth: number): Node {
    const items: Node[] = [];
    for (;;) {
      const t = this.peek();
      if (!t || t.k === ')' || t.k === 'or') break;
      if (t.k === 'and') {
        this.i++;
        const next = this.peek();
        if (items.length === 0) throw new FilterSyntaxError('"and" needs a condition before it', t.at, t.len);
        if (!next || next.k === ')' || next.k === 'or' || next.k === 'and') {
          throw new FilterSyntaxError('"and" needs a condition after it', t.at, t.len);
        }
        continue;
      }
      items.push(this.unary(depth));
    }
    if (items.length === 0) {
      const t = this.peek();
      if (t?.k === 'or') throw new FilterSyntaxError('"or" needs a condition before it', t.at, t.len);
      if (t?.k === ')') throw new FilterSyntaxError('unbalanced ")": no "(" opens it', t.at, t.len);
      // An empty group "()" or nothing after an opening "(": point at what is there.
      const at = t ?? this.last();
      throw new FilterSyntaxError('expected a condition here', at.at, at.len);
    }
    return items.length === 1 ? items[0]! : { k: 'and', items };
  }

  private unary(depth: number): Node {
    // Negations are counted in a loop, not by recursion, so "!!!!…" cannot overflow the stack.
    let negate = false;
    let t = this.peek()!;
    while (t.k === 'not') {
      const next = this.tokens[this.i + 1];
      if (!next || next.k === ')' || next.k === 'or' || next.k === 'and') {
        throw new FilterSyntaxError(`"${this.text.slice(t.at, t.at + t.len)}" needs a condition after it`, t.at, t.len);
      }
      negate = !negate;
      this.i++;
      t = next;
    }
    const node = this.primary(depth);
    return negate ? { k: 'not', item: node } : node;
  }

  private primary(depth: number): Node {
    const t = this.peek()!;
    if (t.k === 'term') {
      this.i++;
      return { k: 'term', term: t };
    }
    if (t.k === '(') {
      if (depth >= MAX_DEPTH) throw new FilterSyntaxError(`parentheses nested deeper than ${MAX_DEPTH}`, t.at, t.len);
      this.i++;
      const next = this.peek();
      if (!next) throw new FilterSyntaxError('unbalanced "(": add the closing ")"', t.at, t.len);
      if (next.k === ')') throw new FilterSyntaxError('empty parentheses: put a condition inside', t.at, next.at + 1 - t.at);
      const inner = this.or(depth + 1);
      const close = this.peek();
      if (close?.k !== ')') throw new FilterSyntaxError('unbalanced "(": add the closing ")"', t.at, t.len);
      this.i++;
      return inner;
    }
    // The loops above never hand ')', 'or' or 'and' to primary; this keeps the type checker honest.
    throw new FilterSyntaxError('expected a condition here', t.at, t.len);
  }
}
