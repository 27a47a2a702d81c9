import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PushIgnores, parsePushIgnore } from './push-ignores';
import { comparePushes, pushKey, pushKind, pushesVerdict, type PushItem } from './pushes';
import { IdentityMap } from './identity';
import { DEFAULT_IDENTITY_RULES } from './identity-rules';
import { buildRules, compareRules } from './rules';
import { readRulesFile } from './cli-input';
import { ReplayError } from './errors';

const wave = (source: string, id = crypto.randomUUID()): PushItem => ({ type: 'EVENT_BROADCAST', body: { id, name: 'party.wave', source, data: { from: source }, ts: 1 } });
const say = (source: string, text: string): PushItem => ({ type: 'EVENT_BROADCAST', body: { id: crypto.randomUUID(), name: 'chat.say', source, data: { text }, ts: 1 } });

describe('push kinds', () => {
  it('group broadcasts by name and source, errors by code, resource updates by name; anything else by type', () => {
    expect(pushKey(wave('p-1'))).toBe('EVENT_BROADCAST party.wave from p-1');
    expect(pushKey(wave('p-1'), (s) => (s === 'p-1' ? 'p-9' : undefined))).toBe('EVENT_BROADCAST party.wave from p-9');
    expect(pushKey({ type: 'EVENT_BROADCAST', body: { name: 'x', source: 7 } })).toBe('EVENT_BROADCAST x from 7');
    // No source: no "from" part (not "from ?").
    expect(pushKey({ type: 'EVENT_BROADCAST', body: { name: 'x' } })).toBe('EVENT_BROADCAST x');
    expect(pushKey({ type: 'ERROR', body: { code: 'RATE_LIMITED', message: 'slow down' } })).toBe('ERROR RATE_LIMITED');
    expect(pushKey({ type: 'RESOURCE_UPDATE', body: { name: 'sprites.bin', sha256: 'ab', size: 1 } })).toBe('RESOURCE_UPDATE sprites.bin');
    // Hostile bodies: not objects, wrong member types.
    expect(pushKey({ type: 'EVENT_BROADCAST', body: null })).toBe('EVENT_BROADCAST');
    expect(pushKey({ type: 'EVENT_BROADCAST', body: 'text' })).toBe('EVENT_BROADCAST');
    expect(pushKey({ type: 'ERROR', body: { code: 42 } })).toBe('ERROR');
    expect(pushKind({ type: 'HEARTBEAT', body: { t: 1 } })).toEqual({ type: 'HEARTBEAT', name: null, source: null });
  });
});

describe('push ignore rules', () => {
  it('parse TYPE, TYPE NAME, TYPE NAME from SOURCE and TYPE from SOURCE', () => {
    expect(parsePushIgnore('EVENT_BROADCAST')).toEqual({ text: 'EVENT_BROADCAST', type: 'EVENT_BROADCAST', name: null, source: null });
    expect(parsePushIgnore('EVENT_BROADCAST chat.*')).toMatchObject({ name: 'chat.*', source: null });
    expect(parsePushIgnore('  EVENT_BROADCAST   *   from  bot-2 ')).toMatchObject({ name: null, source: 'bot-2' });
    expect(parsePushIgnore('EVENT_BROADCAST from bot-?')).toMatchObject({ name: null, source: 'bot-?' });
    expect(parsePushIgnore('ERROR RATE_LIMITED')).toMatchObject({ type: 'ERROR', name: 'RATE_LIMITED' });
    expect(parsePushIgnore('RESOURCE_UPDATE *.bin')).toMatchObject({ type: 'RESOURCE_UPDATE', name: '*.bin' });
  });

  it('refuse malformed rules, naming the rule and what is wrong', () => {
    const refused = (text: unknown, why: RegExp): void => {
      let err: unknown;
      try {
        parsePushIgnore(text);
      } catch (e) {
        err = e;
      }
      expect(err, String(text)).toBeInstanceOf(ReplayError);
      expect((err as ReplayError).code).toBe('BAD_RULE');
      expect((err as Error).message).toMatch(why);
    };
    refused('', /empty push ignore rule/);
    refused('   ', /empty push ignore rule/);
    refused('event_broadcast chat.*', /"event_broadcast" is not a type the server pushes \(did you mean EVENT_BROADCAST\?\)/);
    refused('PLAYER_MOVE', /"PLAYER_MOVE" is not a type the server pushes; one of .*EVENT_BROADCAST/);
    refused('NOPE x', /"NOPE" is not a type the server pushes/);
    refused('GAME_STATE_UPDATE', /is state, compared as a timeline; leave paths out of it with "state:\/…" ignore rules/);
    refused('GAME_STATE_SYNC', /is state/);
    refused('EVENT_BROADCAST chat.say bot-2', /TYPE \[NAME \[from SOURCE\]\]/);
    refused('EVENT_BROADCAST chat.say by bot-2', /expected "from" before the source, got "by"/);
    refused('EVENT_BROADCAST chat.say from', /"from" needs a source after it/);
    refused('EVENT_BROADCAST a from b c', /TYPE \[NAME \[from SOURCE\]\]/);
    refused('ERROR RATE_LIMITED from bot-2', /only EVENT_BROADCAST has a source/);
    refused('EVENT_BROADCAST chat.*\nERROR X', /control characters/);
    refused('EVENT_BROADCAST \u001b[31m', /control characters/);
    refused(`EVENT_BROADCAST ${'a'.repeat(600)}`, /longer than 512 characters/);
    refused(42, /must be a string, got number/);
    refused(null, /must be a string, got null/);
    expect(() => new PushIgnores(Array.from({ length: 1001 }, () => 'ERROR'))).toThrow(/more than 1000 push ignore rules/);
  });

  it('property: any string is a rule or a BAD_RULE ReplayError, never another exception', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('EVENT_BROADCAST ', 'ERROR ', 'RESOURCE_UPDATE ').chain((t) => fc.string({ maxLength: 40 }).map((s) => t + s))), (text) => {
        try {
          const r = parsePushIgnore(text);
          expect(r.text).toBe(text);
        } catch (e) {
          expect(e).toBeInstanceOf(ReplayError);
          expect((e as ReplayError).code).toBe('BAD_RULE');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('match on type, a name glob, and a source glob against either the captured or the replayed id', () => {
    const rules = new PushIgnores(['EVENT_BROADCAST chat.*', 'EVENT_BROADCAST * from bot-2', 'ERROR RATE_LIMITED']);
    expect(rules.match(pushKind(say('bot-1', 'hi')))?.text).toBe('EVENT_BROADCAST chat.*');
    expect(rules.match(pushKind(wave('bot-1')))).toBeNull();
    expect(rules.match(pushKind(wave('bot-2')))?.text).toBe('EVENT_BROADCAST * from bot-2');
    // Written with the captured id, matched after translation (the kind's source is the replay's id).
    expect(rules.match(pushKind(wave('bot-2'), () => 'p-77'), ['bot-2'])?.text).toBe('EVENT_BROADCAST * from bot-2');
    expect(rules.match(pushKind(wave('bot-3'), () => 'p-77'), ['bot-3'])).toBeNull();
    expect(rules.match(pushKind({ type: 'ERROR', body: { code: 'RATE_LIMITED' } }))?.text).toBe('ERROR RATE_LIMITED');
    expect(rules.match(pushKind({ type: 'ERROR', body: { code: 'NOT_FOUND' } }))).toBeNull();
    // A name glob needs a name; "*" or no name takes any.
    expect(new PushIgnores(['EVENT_BROADCAST x*']).match(pushKind({ type: 'EVENT_BROADCAST', body: {} }))).toBeNull();
    expect(new PushIgnores(['EVENT_BROADCAST *']).match(pushKind({ type: 'EVENT_BROADCAST', body: {} }))).not.toBeNull();
    // Globs are case-sensitive, like path rules.
    expect(new PushIgnores(['EVENT_BROADCAST Chat.*']).match(pushKind(say('bot-1', 'x')))).toBeNull();
  });
});

describe('pushes compared with ignore rules', () => {
  /** As evaluate.ts compares: broadcast ids learnt from the pairings are translated. */
  const compare = (captured: PushItem[], replayed: PushItem[], ignores?: PushIgnores, m = new IdentityMap(DEFAULT_IDENTITY_RULES)) =>
    comparePushes(captured, replayed, compareRules(buildRules(), m.translate), m, ignores ? { ignores } : {});

  it('an ignored kind is counted and named, not compared; the others still are', () => {
    const captured = [wave('bot-1'), wave('bot-2'), wave('bot-2'), say('bot-1', 'hi')];
    const replayed = [wave('bot-1'), say('bot-1', 'hello')];
    const without = compare(captured, replayed);
    expect(without.find((p) => p.key === 'EVENT_BROADCAST party.wave from bot-2')).toMatchObject({ captured: 2, replayed: 0, missing: 2 });
    expect(pushesVerdict(without)).toBe('differed');

    const ignores = new PushIgnores(['EVENT_BROADCAST * from bot-2']);
    const out = compare(captured, replayed, ignores);
    expect(out.find((p) => p.key === 'EVENT_BROADCAST party.wave from bot-2')).toEqual({
      key: 'EVENT_BROADCAST party.wave from bot-2',
      captured: 2,
      replayed: 0,
      matched: 0,
      differed: 0,
      missing: 0,
      unexpected: 0,
      examples: [],
      ignored: 'EVENT_BROADCAST * from bot-2',
    });
    expect(out.find((p) => p.key === 'EVENT_BROADCAST party.wave from bot-1')).toMatchObject({ matched: 1 });
    expect(out.find((p) => p.key === 'EVENT_BROADCAST chat.say from bot-1')).toMatchObject({ differed: 1 });
    expect(out.filter((p) => p.ignored === undefined).every((p) => !('ignored' in p))).toBe(true);
    expect(pushesVerdict(out)).toBe('differed');
    expect(pushesVerdict(compare(captured, replayed, new PushIgnores(['EVENT_BROADCAST * from bot-2', 'EVENT_BROADCAST chat.*'])))).toBe('matched');
  });

  it("another player's broadcasts beyond the captured ones that came while the replay let the server finish are late, not unexpected", () => {
    const m = new IdentityMap(DEFAULT_IDENTITY_RULES);
    const cmp = compareRules(buildRules(), m.translate);
    const late = (p: PushItem): PushItem => ({ ...p, late: true });
    const out = comparePushes([wave('bot-1')], [wave('bot-1'), late(wave('bot-1')), wave('bot-2'), late(wave('bot-2'))], cmp, m, { self: 'bot-1' });
    // Our own extra broadcast is unexpected, late or not: the server sent it because of this session.
    expect(out.find((p) => p.key === 'EVENT_BROADCAST party.wave from bot-1')).toMatchObject({ matched: 1, unexpected: 1 });
    expect(out.find((p) => p.key === 'EVENT_BROADCAST party.wave from bot-1')).not.toHaveProperty('late');
    // Another's: the one that came in time is unexpected, the late one is counted apart.
    expect(out.find((p) => p.key === 'EVENT_BROADCAST party.wave from bot-2')).toMatchObject({ captured: 0, replayed: 2, unexpected: 1, late: 1 });
    expect(pushesVerdict(comparePushes([], [late(wave('bot-2'))], cmp, m, { self: 'bot-1' }))).toBe('matched');
    // Without knowing who we are, nothing is excused.
    expect(pushesVerdict(comparePushes([], [late(wave('bot-2'))], cmp, m))).toBe('unexpected');
  });

  it('unexpected pushes of an ignored kind are ignored too, and an ignored kind teaches no identities', () => {
    const m = new IdentityMap(DEFAULT_IDENTITY_RULES);
    const capturedWave = wave('bot-2', '0b6f1c1e-3c8f-4d7a-9a51-2f0d3c4e5a61');
    const out = compare([capturedWave], [wave('bot-2'), wave('bot-2')], new PushIgnores(['EVENT_BROADCAST party.wave']), m);
    expect(out).toEqual([expect.objectContaining({ captured: 1, replayed: 2, unexpected: 0, ignored: 'EVENT_BROADCAST party.wave' })]);
    expect(pushesVerdict(out)).toBe('matched');
    expect(m.lookup('broadcastId', '0b6f1c1e-3c8f-4d7a-9a51-2f0d3c4e5a61')).toBeUndefined();
  });
});

describe('rules file: ignorePushes', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'otb-push-rules-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const file = async (name: string, text: string): Promise<string> => {
    const p = join(dir, name);
    await writeFile(p, text);
    return p;
  };

  it('reads the push rules beside the path rules, and buildRules keeps them as written', async () => {
    const p = await file('ok.json', JSON.stringify({ ignore: ['state:/world/time'], ignorePushes: ['EVENT_BROADCAST chat.*', 'EVENT_BROADCAST * from bot-2'] }));
    const o = readRulesFile(p);
    expect(o).toEqual({ ignore: ['state:/world/time'], ignorePushes: ['EVENT_BROADCAST chat.*', 'EVENT_BROADCAST * from bot-2'] });
    const rules = buildRules({ ...o, ignorePushes: [...o.ignorePushes!, 'EVENT_BROADCAST chat.*'] });
    expect(rules.ignorePushes).toEqual(['EVENT_BROADCAST chat.*', 'EVENT_BROADCAST * from bot-2']);
    expect(rules.pushIgnores.size).toBe(2);
    expect(buildRules().ignorePushes).toEqual([]);
  });

  it('refuses malformed push rules naming the file and the entry', async () => {
    const bad = async (name: string, text: string, why: RegExp): Promise<void> => {
      const p = await file(name, text);
      let err: unknown;
      try {
        readRulesFile(p);
      } catch (e) {
        err = e;
      }
      expect(err, text).toBeInstanceOf(ReplayError);
      expect((err as ReplayError).code).toBe('BAD_OPTION');
      expect((err as Error).message).toContain(p);
      expect((err as Error).message).toMatch(why);
    };
    await bad('string.json', '{"ignorePushes": "EVENT_BROADCAST"}', /"ignorePushes" must be an array of strings/);
    await bad('number.json', '{"ignorePushes": ["EVENT_BROADCAST", 3]}', /"ignorePushes" must be an array of strings/);
    await bad('type.json', '{"ignorePushes": ["EVENT_BROADCAST", "PLAYER_MOVE x"]}', /ignorePushes\[1\]: .*"PLAYER_MOVE" is not a type the server pushes/);
    await bad('state.json', '{"ignorePushes": ["GAME_STATE_UPDATE"]}', /ignorePushes\[0\]: .*is state/);
    await bad('typo.json', '{"ignorePush": ["EVENT_BROADCAST"]}', /unknown key "ignorePush" \(known: ignore, ignorePushes,/);
    await bad('cut.json', '{"ignorePushes": ["EVENT_BROADCAST"', /--rules/);
    // Built directly (the console's path), a bad rule is a BAD_RULE.
    expect(() => buildRules({ ignorePushes: ['EVENT_BROADCAST a b'] })).toThrow(ReplayError);
  });
});
