/**
 * Event names and the patterns that subscribe to them.
 *
 * A name is dot-separated segments: `party.invite`, `chat.channel.joined`.
 * In a pattern, a `*` segment matches exactly one segment and `**` matches
 * any number of segments, none included: `party.*` matches `party.invite`
 * but not `party.member.left`; `party.**` matches both and `party` itself.
 * A pattern that is just `*` is shorthand for `**`: every event.
 */

export const MAX_NAME_LENGTH = 256;

/** Why `name` is not an event name, or null. */
export function nameError(name: unknown): string | null {
  if (typeof name !== 'string' || name.length === 0) return 'an event name is a non-empty string';
  if (name.length > MAX_NAME_LENGTH) return `an event name is at most ${MAX_NAME_LENGTH} characters`;
  for (const seg of name.split('.')) {
    if (seg.length === 0) return `event name "${name}" has an empty segment`;
    if (seg.includes('*')) return `event name "${name}" contains "*" (only patterns may)`;
  }
  return null;
}

export type Matcher = (name: string) => boolean;

/** Compiles a subscription pattern; throws RangeError for a malformed one. */
export function compilePattern(pattern: string): Matcher {
  if (typeof pattern !== 'string' || pattern.length === 0 || pattern.length > MAX_NAME_LENGTH) {
    throw new RangeError(`a pattern is a string of 1..${MAX_NAME_LENGTH} characters`);
  }
  if (pattern === '*' || pattern === '**') return () => true;
  const segs = pattern.split('.');
  for (const s of segs) {
    if (s.length === 0) throw new RangeError(`pattern "${pattern}" has an empty segment`);
    if (s.includes('*') && s !== '*' && s !== '**') throw new RangeError(`pattern "${pattern}": "*" must be a whole segment ("*" or "**")`);
  }
  if (!segs.some((s) => s === '*' || s === '**')) return (name) => name === pattern;
  return (name) => matchSegments(segs, name.split('.'));
}

/** Glob matching over segments; `**` spans zero or more. O(pattern × name), no backtracking blow-up. */
function matchSegments(pattern: readonly string[], name: readonly string[]): boolean {
  // reach[j]: the first i pattern segments can match the first j name segments.
  let reach: boolean[] = new Array<boolean>(name.length + 1).fill(false);
  reach[0] = true;
  for (const p of pattern) {
    const next: boolean[] = new Array<boolean>(name.length + 1).fill(false);
    if (p === '**') {
      let any = false;
      for (let j = 0; j <= name.length; j++) {
        any ||= reach[j]!;
        next[j] = any;
      }
    } else {
      for (let j = 1; j <= name.length; j++) next[j] = reach[j - 1]! && (p === '*' || p === name[j - 1]);
    }
    reach = next;
  }
  return reach[name.length]!;
}

export function isPattern(s: string): boolean {
  return s.includes('*');
}
