/**
 * A capture opened for replay: a pcapng capture from the proxy (read through
 * its index, session by session) or its NDJSON export (read whole). Opening
 * checks what replay needs and says precisely what is wrong otherwise:
 * damage the reader stepped over, sessions of another dialect, sessions the
 * proxy could not decrypt, sessions without a successful login.
 */
import { CaptureError, readCaptureItems, sniffCaptureFile, type CaptureWarning, type SessionMeta } from '../capture';
import { SessionIndex } from '../capture/session-index';
import { type SessionEntries } from '../capture/session-positions';
import { type MessageRecord } from '../../src-shared/records';
import { type ReplaySessionInfo } from '../../src-shared/ipc/replay';
import { ReplayError } from './errors';

export interface SourceOptions {
  /** Replay a damaged capture anyway (what is readable); default false: damage is an error. */
  readonly allowDamage?: boolean;
}

/** Damage kinds that mean records are missing; an unsaved index is not damage. */
const DAMAGE: ReadonlySet<CaptureWarning['kind']> = new Set(['truncated', 'corrupt', 'skipped-block', 'missing-part', 'unsupported-section']);

const AUTH_LOGIN = 0x01;
const ERROR = 0x7f;

/**
 * What the overview learns about each session without reading a body: from
 * the capture's index (pcapng: counts kept per session as the index passed
 * — no block is read) or from the records of an NDJSON export.
 */
class SessionTally {
  messages = 0;
  c2s = 0;
  s2c = 0;
  first: number | null = null;
  last: number | null = null;
  dialect: string | null = null;
  loginRequests = 0;
  loginAnswered = false;
  errors = 0;
  undecrypted = 0;
  undecryptedType: string | null = null;

  /** One message: c2s AUTH_LOGIN is always a login request, s2c AUTH_LOGIN always its answer (the catalogue's roles). */
  add(s2c: boolean, code: number, time: number): void {
    this.messages++;
    if (s2c) this.s2c++;
    else this.c2s++;
    this.first ??= time;
    this.last = time;
    if (code === AUTH_LOGIN) {
      if (s2c) this.loginAnswered = true;
      else this.loginRequests++;
    } else if (code === ERROR && s2c) this.errors++;
  }

  /** A session's tally from the capture's index: counts, times and login codes, no record read. */
  static of(e: SessionEntries): SessionTally {
    const t = new SessionTally();
    t.messages = e.messages;
    t.c2s = e.c2s;
    t.s2c = e.s2c;
    t.first = e.first;
    t.last = e.last;
    t.loginRequests = e.count(AUTH_LOGIN, false);
    t.loginAnswered = e.count(AUTH_LOGIN, true) > 0;
    t.errors = e.count(ERROR, true);
    return t;
  }

  addRecord(r: MessageRecord): void {
    this.dialect ??= r.dialect;
    this.add(r.dir === 's2c', r.code, r.time);
    // Stored as it was on the wire, encrypted: the proxy ran in passthrough mode or could not decrypt.
    if (r.plain === undefined && r.body === undefined && r.flags.includes('ENCRYPTED')) {
      this.undecrypted++;
      this.undecryptedType ??= r.type;
    }
  }
}

export class ReplaySource {
  private constructor(
    readonly path: string,
    readonly kind: 'pcapng' | 'ndjson',
    readonly sessions: readonly ReplaySessionInfo[],
    readonly metas: ReadonlyMap<number, SessionMeta>,
    readonly warnings: readonly string[],
    readonly messages: number,
    private readonly index: SessionIndex | null,
    private readonly inMemory: ReadonlyMap<number, MessageRecord[]> | null,
  ) {}

  static async open(path: string, opts: SourceOptions = {}): Promise<ReplaySource> {
    let kind: 'pcapng' | 'ndjson' | 'unknown';
    try {
      kind = await sniffCaptureFile(path);
    } catch (e) {
      throw asReplayError(e, path);
    }
    if (kind === 'unknown') throw new ReplayError('BAD_CAPTURE', `${path}: neither a pcapng capture nor an NDJSON export of one (its first bytes are neither the pcapng magic nor "{")`);
    const tallies = new Map<number, SessionTally>();
    const tally = (s: number): SessionTally => {
      let t = tallies.get(s);
      if (!t) tallies.set(s, (t = new SessionTally()));
      return t;
    };
    const metas = new Map<number, SessionMeta>();
    let messages = 0;
    if (kind === 'pcapng') {
      let index: SessionIndex;
      try {
        // One pass over the index (or the capture, when it has none): per session, counts and where its records are.
        index = await SessionIndex.open(path, { watchCodes: [AUTH_LOGIN, ERROR] });
      } catch (e) {
        throw asReplayError(e, path);
      }
      try {
        for (const e of index.sessionEntries()) tallies.set(e.session, SessionTally.of(e));
        for (const m of await index.sessionMetas()) metas.set(m.session, m);
        // Sessions whose metadata was lost: their dialect from their first record.
        for (const [session, tl] of tallies) {
          const d = metas.get(session)?.dialect;
          if (typeof d === 'string') tl.dialect = d;
          else for (const r of await index.records(session, { limit: 1, bytes: false })) tl.dialect = r.dialect;
        }
        const warnings = describeDamage(index.warnings, path, opts.allowDamage ?? false);
        return new ReplaySource(path, 'pcapng', overview(tallies, metas), metas, warnings, index.messages, index, null);
      } catch (e) {
        await index.close();
        throw asReplayError(e, path);
      }
    }
    const bySession = new Map<number, MessageRecord[]>();
    const skipped: string[] = [];
    try {
      for await (const item of readCaptureItems(path, {}, { onWarning: (m) => skipped.push(m) })) {
        if (item.kind === 'session') {
          const prev = metas.get(item.meta.session);
          metas.set(item.meta.session, { ...prev, ...item.meta });
          continue;
        }
        messages++;
        const r = item.record;
        tally(r.session).addRecord(r);
        let list = bySession.get(r.session);
        if (!list) bySession.set(r.session, (list = []));
        list.push(r);
      }
    } catch (e) {
      throw asReplayError(e, path);
    }
    return new ReplaySource(path, 'ndjson', overview(tallies, metas), metas, skipped, messages, null, bySession);
  }

  /** The sessions to replay: those asked for (each must exist and be replayable), or every replayable one. */
  select(wanted?: readonly number[]): ReplaySessionInfo[] {
    if (!wanted || wanted.length === 0) {
      const ok = this.sessions.filter((s) => s.replayable);
      if (ok.length === 0) {
        const why = this.sessions.map((s) => `session ${s.session}: ${s.problem}`).join('; ');
        throw new ReplayError('NO_SESSIONS', `${this.path}: no session can be replayed${why ? ` (${why})` : ' (the capture holds no messages)'}`);
      }
      return ok;
    }
    return wanted.map((n) => {
      const s = this.sessions.find((x) => x.session === n);
      if (!s) throw new ReplayError('NO_SUCH_SESSION', `${this.path} has no session ${n} (it has ${this.sessions.map((x) => x.session).join(', ') || 'none'})`);
      if (!s.replayable) throw new ReplayError(problemCode(s.problem), `${this.path}: session ${n} cannot be replayed: ${s.problem}`);
      return s;
    });
  }

  /** Every record of one session, in capture order, with bodies. */
  async records(session: number): Promise<MessageRecord[]> {
    if (this.inMemory) return this.inMemory.get(session) ?? [];
    return this.index!.records(session);
  }

  meta(session: number): SessionMeta {
    return this.metas.get(session) ?? { session };
  }

  async close(): Promise<void> {
    await this.index?.close();
  }
}

function overview(tallies: Map<number, SessionTally>, metas: Map<number, SessionMeta>): ReplaySessionInfo[] {
  const ids = [...new Set([...tallies.keys(), ...metas.keys()])].sort((a, b) => a - b);
  return ids.map((session) => {
    const t = tallies.get(session) ?? new SessionTally();
    const m = metas.get(session);
    const problem = problemOf(session, t, m);
    return {
      session,
      account: typeof m?.account === 'string' ? m.account : null,
      mode: typeof m?.mode === 'string' ? m.mode : null,
      messages: t.messages,
      c2s: t.c2s,
      s2c: t.s2c,
      start: typeof m?.start === 'number' ? m.start : t.first,
      end: typeof m?.end === 'number' ? m.end : t.last,
      replayable: problem === null,
      ...(problem ? { problem } : {}),
    };
  });
}

function problemOf(session: number, t: SessionTally, m: SessionMeta | undefined): string | null {
  const dialect = t.dialect ?? (typeof m?.dialect === 'string' ? m.dialect : null);
  if (t.messages === 0) return 'no messages were captured for it';
  if (dialect !== 'up2') return `it is a ${dialect ?? 'unknown'} session; replay speaks UP/2.0 only`;
  if (m?.mode === 'passthrough' || t.undecrypted > 0) {
    const what = t.undecrypted > 0 ? `${t.undecrypted} frame(s) stored as on the wire, the first a ${t.undecryptedType ?? 'message'}` : 'the proxy recorded it in passthrough mode';
    return `its messages are encrypted (${what}): record through a decrypting proxy (otbridge proxy --decrypt) to replay`;
  }
  if (t.loginRequests === 0) return 'it has no login: no AUTH_LOGIN request was captured (did the capture start after the session logged in?)';
  if (!t.loginAnswered) {
    return t.errors > 0 ? 'its login failed in the capture (AUTH_LOGIN was answered by ERROR): there is nothing after it to replay' : 'its AUTH_LOGIN was never answered in the capture';
  }
  void session;
  return null;
}

function problemCode(problem: string | undefined): 'NO_LOGIN' | 'NOT_DECRYPTED' | 'UNSUPPORTED_DIALECT' | 'BAD_CAPTURE' {
  if (!problem) return 'BAD_CAPTURE';
  if (problem.includes('encrypted')) return 'NOT_DECRYPTED';
  if (problem.includes('UP/2.0 only')) return 'UNSUPPORTED_DIALECT';
  if (problem.includes('login') || problem.includes('AUTH_LOGIN')) return 'NO_LOGIN';
  return 'BAD_CAPTURE';
}

function describeDamage(warnings: readonly CaptureWarning[], path: string, allow: boolean): string[] {
  const damage = warnings.filter((w) => DAMAGE.has(w.kind));
  const lines = damage.map((w) => `${w.kind}: ${w.file}${w.offset !== undefined ? ` at byte ${w.offset}` : ''}: ${w.message}`);
  if (damage.length && !allow) {
    throw new ReplayError(
      'DAMAGED_CAPTURE',
      `${path} is damaged, so answers would be compared with an incomplete recording:\n  ${lines.slice(0, 10).join('\n  ')}${lines.length > 10 ? `\n  … ${lines.length - 10} more` : ''}\n` +
        'replay what is readable with --allow-damage, or repair the capture first (otbridge capture info shows the damage)',
    );
  }
  return [...lines, ...warnings.filter((w) => !DAMAGE.has(w.kind)).map((w) => `${w.kind}: ${w.message}`)];
}

function asReplayError(e: unknown, path: string): Error {
  if (e instanceof ReplayError) return e;
  if (e instanceof CaptureError) {
    const what: Record<string, string> = {
      NOT_FOUND: 'not found',
      NOT_PCAPNG: 'not a pcapng capture',
      WRONG_LINK_TYPE: 'wrong link type',
      BAD_HEADER: 'bad section header',
      NOT_NDJSON: 'not an otbridge NDJSON export',
      BAD_NDJSON: 'malformed NDJSON export',
    };
    // The capture layer's message names the file and the detail; say what kind of problem it is first.
    return new ReplayError('BAD_CAPTURE', `${what[e.code] ?? e.code}: ${e.message.includes(path) ? e.message : `${path}: ${e.message}`}`);
  }
  return e as Error;
}
