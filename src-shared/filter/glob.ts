/**
 * Case-insensitive glob matching (`*` any run, `?` one character) on a slice
 * of a string, without building a RegExp or a substring: the filter runs on
 * every message in main, and a user's glob must not be able to make a
 * backtracking regex explode. The two-pointer algorithm below is
 * O(pattern × text) in the worst case and allocates nothing.
 */

/** ASCII case folding of one UTF-16 code unit (names and error codes are ASCII). */
function fold(c: number): number {
  return c >= 97 && c <= 122 ? c - 32 : c;
}

/** Whether `text[start, end)` matches `pattern` as a whole. */
export function globMatch(pattern: string, text: string, start = 0, end = text.length): boolean {
  let p = 0;
  let t = start;
  let starP = -1;
  let starT = 0;
  const pl = pattern.length;
  while (t < end) {
    if (p < pl) {
      const pc = pattern.charCodeAt(p);
      if (pc === 42 /* * */) {
        starP = p++;
        starT = t;
        continue;
      }
      if (pc === 63 /* ? */ || fold(pc) === fold(text.charCodeAt(t))) {
        p++;
        t++;
        continue;
      }
    }
    if (starP < 0) return false;
    // Let the last star swallow one more character and retry after it.
    p = starP + 1;
    t = ++starT;
  }
  while (p < pl && pattern.charCodeAt(p) === 42) p++;
  return p === pl;
}

export const hasWildcard = (pattern: string): boolean => pattern.includes('*') || pattern.includes('?');
