import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BAD_CANARY_CONFIG, TFS_CONFIG, UNTOUCHED_KEYS } from '../../../test-support/migrate-config-fixtures';
import { DYNAMIC, LuaSyntaxError, readLuaConfig } from './lua';
import { migrateConfig } from './migrate';
import { SCHEMAS, validateConfig } from './schema';
import { TFS_CANARY_CONFIG } from './tfs-canary';

const migrate = (text: string | Buffer, options = {}) => migrateConfig(typeof text === 'string' ? Buffer.from(text) : text, TFS_CANARY_CONFIG, options, new Date('2026-01-02T00:00:00Z'));
const out = (bytes: string) => Buffer.from(bytes, 'latin1').toString('utf8');

describe('reading config.lua', () => {
  it('finds every global with its line and evaluates constant expressions', () => {
    const cfg = readLuaConfig(TFS_CONFIG);
    expect(cfg.get('pzLocked')).toMatchObject({ line: 10, value: 60000, valueText: '60 * 1000' });
    expect(cfg.get('statusProtocolPort')?.value).toBe(7171);
    expect(cfg.get('motd')?.value).toBe('Witaj na serwerze — żółć!');
    expect(cfg.get('experienceStages')?.value).toMatchObject({ array: [{ hash: { minlevel: 1, maxlevel: 50, multiplier: 10 } }, { hash: { minlevel: 51 } }] });
    expect(cfg.get('mysqlPass')?.value).toBe(DYNAMIC);
    expect(cfg.get('depotPremiumLimit')?.line).toBe(27);
  });

  it('reports a syntax error with its line', () => {
    expect(() => readLuaConfig('a = 1\nb = = 2\n')).toThrow(LuaSyntaxError);
    try {
      readLuaConfig('a = 1\nb = = 2\n');
    } catch (e) {
      expect((e as LuaSyntaxError).line).toBe(2);
    }
  });

  it('survives hostile input without hanging: random bytes either parse or raise LuaSyntaxError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          readLuaConfig(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(LuaSyntaxError);
        }
      }),
      { numRuns: 300 },
    );
    expect(() => readLuaConfig(`x = ${'('.repeat(50)}1${')'.repeat(50)}`)).not.toThrow();
  });
});

describe('TFS 1.4 → Canary config', () => {
  const m = migrate(TFS_CONFIG);
  const text = out(m.output);
  const cfg = readLuaConfig(Buffer.from(m.output, 'latin1'));

  it('renames, rescales and converts keys', () => {
    expect(cfg.get('serverMotd')?.value).toBe('Witaj na serwerze — żółć!');
    expect(cfg.get('freeDepotLimit')?.value).toBe(2000);
    expect(cfg.get('premiumDepotLimit')?.value).toBe(15000);
    expect(cfg.get('dayKillsToRedSkull')?.value).toBe(3);
    expect(cfg.get('globalServerSaveShutdown')?.value).toBe(false);
    expect(cfg.get('timeToDecreaseFrags')).toMatchObject({ value: 86_400_000, valueText: '24 * 60 * 60 * 1000' });
    expect(cfg.get('whiteSkullTime')?.value).toBe(900_000);
    // onePlayerOnlinePerAccount = false: any number in TFS, a number in Canary (option maxOnlineWhenMulti).
    expect(cfg.get('maxPlayersOnlinePerAccount')?.value).toBe(4);
    expect(migrate(TFS_CONFIG, { maxOnlineWhenMulti: '2' }).output).toContain('maxPlayersOnlinePerAccount = 2');
    for (const gone of ['motd', 'depotFreeLimit', 'killsToBlackSkull', 'experienceStages', 'onePlayerOnlinePerAccount', 'allowClones', 'showPlayerLogInConsole'])
      expect(cfg.get(gone), gone).toBeUndefined();
  });

  it('comments out removed keys with a note, the multi-line table included', () => {
    expect(text).toContain('-- otbridge: not a Canary 3.6.1 setting: Canary sets skulls by day/week/month kill counts');
    expect(text).toContain('-- killsToBlackSkull = 6\n');
    expect(text).toContain('-- experienceStages = {\n-- \t{ minlevel = 1, maxlevel = 50, multiplier = 10 },\n-- \t{ minlevel = 51, multiplier = 2 } -- the rest\n-- }\n');
  });

  it('appends new keys with their defaults under a marked section', () => {
    expect(text).toMatch(/\n-- otbridge: migrated from TFS 1\.4 to Canary 3\.6\.1 on 2026-01-02; settings new there, with their defaults:\nrateUseStages = true -- /);
    expect(cfg.get('globalServerSaveTime')?.value).toBe('06:00:00');
    expect(m.changes.filter((c) => c.action === 'added').map((c) => c.key)).toEqual(['rateUseStages', 'globalServerSaveTime', 'maxPlayersOutsidePZPerAccount', 'authType', 'dataPackDirectory']);
  });

  it('keeps comments and untouched lines byte for byte, in order', () => {
    // Every line that is not an assignment of a key the profile changes (comments, blanks, untouched keys).
    const input = readLuaConfig(TFS_CONFIG);
    const changed = new Set<number>();
    for (const e of input.entries) if (!UNTOUCHED_KEYS.includes(e.name)) for (let l = e.line; l <= e.line + e.valueText.split('\n').length - 1; l++) changed.add(l);
    const kept = TFS_CONFIG.split('\n').filter((_, i) => !changed.has(i + 1));
    expect(kept.length).toBeGreaterThan(20);
    const outputLines = text.split('\n');
    let j = 0;
    for (const line of kept) {
      while (j < outputLines.length && outputLines[j] !== line) j++;
      expect(j, `line ${JSON.stringify(line)} kept in order`).toBeLessThan(outputLines.length);
      j++;
    }
    expect(text.startsWith('-- My server\'s config, hand-tuned since 2019\n-- (keep this header)\n\n--[[ Combat\n     valid world types: pvp, no-pvp, pvp-enforced ]]\n')).toBe(true);
    expect(text).toContain('protectionLevel = 50 -- rookgaard ends here\n');
    expect(text).toContain('timeToDecreaseFrags = 24 * 60 * 60 * 1000 -- a day\n');
    expect(text).toContain('premiumDepotLimit\t=\t15000\n');
    for (const k of UNTOUCHED_KEYS) expect(cfg.get(k)?.valueText, k).toBe(readLuaConfig(TFS_CONFIG).get(k)?.valueText);
  });

  it('validates the result against Canary 3.6.1: only the run-time value is unchecked', () => {
    expect(m.ok).toBe(true);
    expect(m.problems).toEqual([{ line: expect.any(Number), key: 'mysqlPass', severity: 'warning', message: 'computed at run time: not checked' }]);
  });

  it('refuses to migrate its own result again (that would scale milliseconds once more)', () => {
    const again = migrateConfig(Buffer.from(m.output, 'latin1'), TFS_CANARY_CONFIG);
    expect(again.output).toBe(m.output);
    expect(again.changes).toEqual([]);
    expect(again.ok).toBe(false);
    expect(again.problems[0]).toMatchObject({ severity: 'error', message: expect.stringMatching(/already migrated/) });
  });

  it('keeps bytes that are not UTF-8 exactly as they were', () => {
    const latin = Buffer.concat([Buffer.from('serverName = "Caf'), Buffer.from([0xe9]), Buffer.from('"\nmotd = "hi"\n')]);
    const r = migrate(latin);
    const bytes = Buffer.from(r.output, 'latin1');
    expect(bytes.subarray(0, latin.indexOf('\n') + 1)).toEqual(latin.subarray(0, latin.indexOf('\n') + 1));
    expect(bytes.toString('latin1')).toContain('serverMotd = "hi"');
  });

  it('keeps any comment layout around the keys it edits (property)', () => {
    const comment = fc.oneof(fc.constant(''), fc.constant('-- note'), fc.constant('--[[ block\n comment ]]'), fc.constant('   '), fc.constant('\t-- tabbed'));
    fc.assert(
      fc.property(fc.array(comment, { minLength: 6, maxLength: 6 }), (cs) => {
        const src = `${cs[0]}\nmotd = "a" ${cs[1]}\n${cs[2]}\nwhiteSkullTime = 60\n${cs[3]}\nallowClones = true\n${cs[4]}\nrateExp = 2\n${cs[5]}\n`;
        const r = migrate(src);
        const o = out(r.output);
        for (const c of cs) if (c.trim()) expect(o).toContain(c);
        expect(o).toContain(`serverMotd = "a" ${cs[1]}\n`);
        expect(o).toContain('rateExp = 2\n');
        expect(readLuaConfig(Buffer.from(r.output, 'latin1')).get('whiteSkullTime')?.value).toBe(60_000);
      }),
      { numRuns: 60 },
    );
  });
});

describe('validation', () => {
  it('reports each invalid value with its line', () => {
    const problems = validateConfig(readLuaConfig(BAD_CANARY_CONFIG), SCHEMAS.canary);
    const lines = BAD_CANARY_CONFIG.split('\n');
    const at = (key: string) => problems.filter((p) => p.key === key).map((p) => [p.line, p.severity, p.message]);
    expect(at('worldType')).toEqual([[2, 'error', '"pvpx" is not one of "pvp", "no-pvp", "pvp-enforced"']]);
    expect(at('maxPlayers')).toEqual([[3, 'error', 'expected a number, got "lots"']]);
    expect(at('loginProtocolPort')).toEqual([[4, 'error', '70000 is above the maximum 65535']]);
    expect(at('freeDepotLimit')).toEqual([[5, 'error', 'expected a whole number, got 1.5']]);
    expect(at('globalServerSaveTime')[0]?.[0]).toBe(6);
    expect(at('toggleMaintainMode')).toEqual([[7, 'error', 'expected true or false, got 1']]);
    expect(at('nonsenseKey')).toEqual([[8, 'warning', 'not a Canary 3.6.1 setting: the server ignores it']]);
    expect(at('serverName')).toEqual([[10, 'warning', 'assigned again (first on line 9); the last one wins']]);
    for (const p of problems) expect(lines[p.line - 1]).toContain(p.key);
  });

  it('a migration whose result does not validate says so', () => {
    const r = migrate('worldType = "open-pvp"\nmotd = 5\n');
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => [p.line, p.key])).toEqual([
      [1, 'worldType'],
      [2, 'serverMotd'],
    ]);
  });
});
