/**
 * Push ignore rules: kinds of push left out of the comparison, for pushes
 * the replay cannot receive — a lone session replayed from a multi-player
 * capture hears none of the others' broadcasts. A rule is
 *
 *   TYPE [NAME [from SOURCE]]
 *
 * TYPE a message type the server pushes (EVENT_BROADCAST, ERROR,
 * RESOURCE_UPDATE, …), NAME a glob on the event name, error code or
 * resource name, SOURCE a glob on a broadcast's source (the captured player
 * id or the replay's):
 *
 *   EVENT_BROADCAST                    every broadcast
 *   EVENT_BROADCAST chat.*             chat.say, chat.whisper, …
 *   EVENT_BROADCAST * from bot-2       whatever bot-2 broadcast
 *   ERROR RATE_LIMITED                 that error pushed with ref 0
 *
 * Ignored kinds are still counted and listed in the report as ignored.
 * State pushes are compared as state: leave their paths out with
 * `state:` ignore rules instead.
 */
import { ALL_MESSAGES } from '../../src-shared/protocol';
import { ReplayError } from './errors';
import { globKey } from './patterns';
import { type PushKind } from './pushes';

export interface PushIgnoreRule {
  /** As written. */
  readonly text: string;
  readonly type: string;
  /** Glob on the name; null: any (or none). */
  readonly name: string | null;
  /** Glob on a broadcast's source; null: any (or none). */
  readonly source: string | null;
}

const STATE_TYPES: ReadonlySet<string> = new Set(['GAME_STATE_SYNC', 'GAME_STATE_UPDATE']);
/** Types a server may send unasked (not only as an answer): the ones a push can be. */
const PUSH_TYPES: readonly string[] = ALL_MESSAGES.filter((d) => d.sender !== 'client' && d.body !== undefined && !STATE_TYPES.has(d.name)).map((d) => d.name);
const PUSH_TYPE_SET: ReadonlySet<string> = new Set(PUSH_TYPES);
const MAX_RULE_LENGTH = 512;
const MAX_RULES = 1000;

/** Parses one rule; throws ReplayError BAD_RULE naming the rule and what is wrong with it. */
export function parsePushIgnore(text: unknown): PushIgnoreRule {
  if (typeof text !== 'string') throw new ReplayError('BAD_RULE', `a push ignore rule must be a string, got ${text === null ? 'null' : typeof text}`);
  const shown = JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
  if (text.length > MAX_RULE_LENGTH) throw new ReplayError('BAD_RULE', `push ignore rule ${shown} is longer than ${MAX_RULE_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(text)) throw new ReplayError('BAD_RULE', `push ignore rule ${shown} holds control characters`);
  const words = text.trim().split(/[ \t]+/).filter((w) => w !== '');
  const usage = 'a push ignore rule is TYPE [NAME [from SOURCE]], e.g. "EVENT_BROADCAST chat.*" or "EVENT_BROADCAST * from bot-2"';
  if (words.length === 0) throw new ReplayError('BAD_RULE', `empty push ignore rule: ${usage}`);
  const type = words[0]!;
  if (STATE_TYPES.has(type)) {
    throw new ReplayError('BAD_RULE', `push ignore rule ${shown}: ${type} is state, compared as a timeline; leave paths out of it with "state:/…" ignore rules`);
  }
  if (!PUSH_TYPE_SET.has(type)) {
    const upper = type.toUpperCase();
    const hint = PUSH_TYPE_SET.has(upper) ? ` (did you mean ${upper}?)` : '';
    throw new ReplayError('BAD_RULE', `push ignore rule ${shown}: "${type}" is not a type the server pushes${hint}; one of ${PUSH_TYPES.join(', ')}`);
  }
  let name: string | null = null;
  let source: string | null = null;
  const rest = words.slice(1);
  if (rest[0] === 'from') rest.unshift('*');
  if (rest.length === 1 || rest.length === 3) name = rest[0]!;
  if (rest.length === 3) {
    if (rest[1] !== 'from') throw new ReplayError('BAD_RULE', `push ignore rule ${shown}: expected "from" before the source, got "${rest[1]}"; ${usage}`);
    if (type !== 'EVENT_BROADCAST') throw new ReplayError('BAD_RULE', `push ignore rule ${shown}: only EVENT_BROADCAST has a source`);
    source = rest[2]!;
  } else if (rest.length !== 0 && rest.length !== 1) {
    throw new ReplayError('BAD_RULE', rest.length === 2 && rest[1] === 'from' ? `push ignore rule ${shown}: "from" needs a source after it` : `push ignore rule ${shown}: ${usage}`);
  }
  return { text, type, name: name === '*' ? null : name, source: source === '*' ? null : source };
}

export class PushIgnores {
  readonly rules: readonly PushIgnoreRule[];

  constructor(texts: readonly unknown[] = []) {
    if (texts.length > MAX_RULES) throw new ReplayError('BAD_RULE', `more than ${MAX_RULES} push ignore rules`);
    this.rules = texts.map(parsePushIgnore);
  }

  get size(): number {
    return this.rules.length;
  }

  /**
   * The first rule that leaves this kind out, or null. `sources` are the
   * ids the kind's source goes by (as captured, and in the replay): a rule's
   * source glob matches either.
   */
  match(kind: PushKind, sources: readonly string[] = []): PushIgnoreRule | null {
    for (const r of this.rules) {
      if (r.type !== kind.type) continue;
      if (r.name !== null && (kind.name === null || !globKey(r.name, kind.name))) continue;
      if (r.source !== null) {
        const all = kind.source === null ? sources : [kind.source, ...sources];
        if (!all.some((s) => globKey(r.source!, s))) continue;
      }
      return r;
    }
    return null;
  }
}
