/**
 * Settings by path prefix (strategies, ownership): the longest configured
 * prefix that is the path or one of its ancestors wins; "" matches all.
 */
import { isAncestorOrSelf, pointerError } from './pointer';

export class PrefixTable<T> {
  private readonly entries: ReadonlyArray<readonly [string, T]>;

  constructor(
    table: Readonly<Record<string, T>> | Iterable<readonly [string, T]>,
    readonly fallback: T,
  ) {
    const list = Symbol.iterator in table ? [...(table as Iterable<readonly [string, T]>)] : Object.entries(table as Record<string, T>);
    for (const [prefix] of list) {
      const e = pointerError(prefix);
      if (e) throw new RangeError(`bad path prefix "${prefix}": ${e}`);
    }
    // Longest first, so the first match is the most specific.
    this.entries = [...list].sort((a, b) => b[0].length - a[0].length);
  }

  lookup(path: string): T {
    for (const [prefix, value] of this.entries) if (isAncestorOrSelf(prefix, path)) return value;
    return this.fallback;
  }

  /** The configured prefix that decides `path`, or null when the fallback does. */
  matchOf(path: string): string | null {
    for (const [prefix] of this.entries) if (isAncestorOrSelf(prefix, path)) return prefix;
    return null;
  }

  toJSON(): Record<string, T> {
    return Object.fromEntries(this.entries);
  }
}

/** The paths a client may write: each prefix and everything under it. */
export class Ownership {
  private readonly table: PrefixTable<boolean>;

  constructor(readonly prefixes: readonly string[]) {
    this.table = new PrefixTable(
      prefixes.map((p) => [p, true] as const),
      false,
    );
  }

  owns(path: string): boolean {
    return this.table.lookup(path);
  }

  /** "FORBIDDEN: …" reason for a path outside, or null. */
  check(path: string): string | null {
    return this.owns(path) ? null : `FORBIDDEN: ${path || '(the root)'} is not client-owned (owned: ${this.prefixes.join(', ') || 'nothing'})`;
  }
}
