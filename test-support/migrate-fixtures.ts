/**
 * A TFS 1.4 shaped data set for the migration tests: a few thousand rows
 * from a seeded generator, with the awkward ones a real server has (NULL
 * conditions, empty emails, non-ASCII names, max-size blobs, 64-bit values)
 * and rows Canary's schema cannot take. `bad` lists exactly those, with the
 * reason each must be rejected for, so a test can compare the rejects file
 * with it.
 */
import { seededRandom } from '../src-shared/random';
import type Database from 'better-sqlite3';
import { CANARY_TABLES, CANARY_GUILD_TRIGGER, TFS_TABLES, ddl } from './migrate-schemas';
import { type MariaDb } from './mariadb';

type V = number | bigint | string | Uint8Array | null;
export type FixtureRow = Record<string, V>;

export interface BadRow {
  readonly table: string;
  readonly kind: 'invalid' | 'duplicate' | 'refused';
  readonly key: Record<string, unknown>;
  readonly reason: RegExp;
}

export interface TfsFixture {
  readonly tables: Record<string, FixtureRow[]>;
  /** Rows the run must reject with emptyEmail=reject, and why. */
  readonly bad: BadRow[];
  /** Accounts with an empty email (rejected by default, migrated with a placeholder). */
  readonly emptyEmailAccounts: number[];
  /** A player whose name a target row already uses under another id (seed it with `seedNameClash`). */
  readonly clashPlayer: { id: number; name: string };
  readonly now: number;
}

/** Small deterministic PRNG (mulberry32): the same seed gives the same data set. */
export const rng = seededRandom;

const NAMES = ['Łukasz Żółć', 'Ærøskøbing', 'Дмитрий', '東京', 'Zoë', "O'Neil", 'Ñandú', 'Ümit', 'Björk', 'محمد'];

export function makeTfsFixture(opts: { players?: number; seed?: number; now?: number } = {}): TfsFixture {
  const r = rng(opts.seed ?? 7);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const bytes = (n: number) => {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
    return b;
  };
  const now = opts.now ?? 1_780_000_000;
  const nPlayers = opts.players ?? 300;
  const t: Record<string, FixtureRow[]> = Object.fromEntries(TFS_TABLES.map((x) => [x.name, []]));
  const bad: BadRow[] = [];

  // Accounts: two players each; the last few are the awkward ones.
  const nAccounts = Math.ceil(nPlayers / 2);
  for (let id = 1; id <= nAccounts + 4; id++) {
    t.accounts!.push({
      id,
      name: `acc${id}`,
      password: 'a'.repeat(40),
      secret: id % 5 === 0 ? 'ABCDEFGHIJKLMNOP' : null,
      type: id === 1 ? 6 : int(1, 3),
      premium_ends_at: id % 3 === 0 ? now + 10 * 86400 + 5 : id % 3 === 1 ? now - 86400 : 0,
      email: `acc${id}@example.org`,
      creation: now - int(0, 1e7),
    });
  }
  const typeBad = nAccounts + 1;
  t.accounts![typeBad - 1]!.type = 9;
  bad.push({ table: 'accounts', kind: 'invalid', key: { id: typeBad }, reason: /type: 9 is not one of/ });
  const emptyEmailAccounts = [nAccounts + 2, nAccounts + 3];
  for (const id of emptyEmailAccounts) {
    t.accounts![id - 1]!.email = '';
    bad.push({ table: 'accounts', kind: 'invalid', key: { id }, reason: /email: empty/ });
  }

  for (let id = 1; id <= nPlayers; id++) {
    t.players!.push({
      id,
      name: id <= NAMES.length ? NAMES[id - 1]! : `Player ${id}`,
      group_id: 1,
      account_id: 1 + Math.floor((id - 1) / 2),
      level: int(1, 400),
      vocation: int(0, 8),
      health: 150,
      healthmax: 150,
      experience: id === 3 ? 2n ** 62n + 12345n : BigInt(int(0, 1e9)),
      lookbody: int(0, 132), lookfeet: int(0, 132), lookhead: int(0, 132), looklegs: int(0, 132), looktype: 128, lookaddons: int(0, 3),
      direction: int(0, 3),
      maglevel: int(0, 100), mana: int(0, 5000), manamax: 5000, manaspent: BigInt(int(0, 1e9)), soul: 100, town_id: int(1, 5),
      posx: int(1000, 1100), posy: int(1000, 1100), posz: 7,
      conditions: id % 4 === 0 ? null : id === 2 ? bytes(65_535) : bytes(int(0, 40)),
      cap: 400 + id,
      sex: id % 2,
      lastlogin: now - int(0, 1e6),
      lastip: id === 5 ? 4294967295 : int(0, 2 ** 31),
      save: 1, skull: 0, skulltime: 0,
      lastlogout: now - int(1e6, 2e6),
      blessings: int(0, 31),
      onlinetime: int(0, 1e7),
      deletion: 0,
      balance: id === 4 ? 9223372036854775807n : BigInt(int(0, 1e6)),
      offlinetraining_time: 43200, offlinetraining_skill: -1, stamina: 2520,
      ...Object.fromEntries(['fist', 'club', 'sword', 'axe', 'dist', 'shielding', 'fishing'].flatMap((s) => [[`skill_${s}`, int(10, 120)], [`skill_${s}_tries`, BigInt(int(0, 1e6))]])),
    });
  }
  // Rows Canary cannot hold; these players own nothing, so nothing else depends on them.
  const leaf = (id: number) => id > nPlayers - 10;
  const p1 = t.players![nPlayers - 1]!;
  p1.onlinetime = 2 ** 31;
  bad.push({ table: 'players', kind: 'invalid', key: { id: p1.id }, reason: /onlinetime: 2147483648 is above/ });
  const p2 = t.players![nPlayers - 2]!;
  p2.offlinetraining_skill = 300;
  bad.push({ table: 'players', kind: 'invalid', key: { id: p2.id }, reason: /offlinetraining_skill: 300 is above/ });
  const clash = t.players![nPlayers - 3]!;
  bad.push({ table: 'players', kind: 'refused', key: { id: clash.id }, reason: /another unique column|UNIQUE constraint failed: players.name/ });

  for (const p of t.players!) {
    const id = p.id as number;
    if (leaf(id)) continue;
    const n = int(2, 8);
    for (let s = 1; s <= n; s++) {
      t.player_items!.push({ player_id: id, pid: s <= 3 ? s : 3, sid: 100 + s, itemtype: int(100, 30000), count: int(0, 100), attributes: id === 6 && s === 1 ? bytes(65535) : bytes(int(0, 30)) });
    }
    for (let s = 1; s <= 2; s++) t.player_depotitems!.push({ player_id: id, sid: 100 + s, pid: s, itemtype: int(100, 30000), count: 1, attributes: new Uint8Array(0) });
    if (id % 3 === 0) t.player_inboxitems!.push({ player_id: id, sid: 101, pid: 0, itemtype: 2160, count: 5, attributes: new Uint8Array(0) });
    for (let k = 0; k < 3; k++) t.player_storage!.push({ player_id: id, key: 10_000 + k * 7 + (id % 5), value: int(-5, 1000) });
    if (id % 2 === 0) t.player_spells!.push({ player_id: id, name: 'Light Healing' });
    if (id % 7 === 0) t.player_deaths!.push({ player_id: id, time: now - int(0, 1e6), level: 50, killed_by: 'a dragon', is_player: 0, mostdamage_by: 'a dragon', mostdamage_is_player: 0, unjustified: 0, mostdamage_unjustified: 0 });
  }
  t.account_storage!.push({ account_id: 1, key: 1, value: 5 });
  t.players_online!.push({ player_id: 1 });
  t.player_storeinboxitems!.push({ player_id: 1, sid: 101, pid: 0, itemtype: 1, count: 1, attributes: new Uint8Array(0) });

  // Guilds: 5 of them, the owner a member; ranks made by hand (ids the TFS trigger would give).
  let rankId = 1;
  for (let g = 1; g <= 5; g++) {
    const owner = g * 10;
    t.guilds!.push({ id: g, name: `Guild ${g} ${NAMES[g] ?? ''}`.trim(), ownerid: owner, creationdata: now - 1000 * g, motd: g === 1 ? '' : `motd ${g}` });
    const ranks = [rankId, rankId + 1, rankId + 2];
    for (const [i, name] of ['the Leader', 'a Vice-Leader', 'a Member'].entries()) t.guild_ranks!.push({ id: rankId++, guild_id: g, name, level: 3 - i });
    for (let m = 0; m < 6; m++) {
      const pid = owner + m;
      t.guild_membership!.push({ player_id: pid, guild_id: g, rank_id: m === 0 ? ranks[0]! : ranks[2]!, nick: m === 1 ? 'nick' : '' });
    }
    t.guild_invites!.push({ player_id: owner + 100, guild_id: g });
  }
  t.guild_wars!.push({ id: 1, guild1: 1, guild2: 2, name1: 'Guild 1', name2: 'Guild 2', status: 1, started: now - 5000, ended: 0 });
  t.guild_wars!.push({ id: 2, guild1: 3, guild2: 4, name1: 'Guild 3', name2: 'Guild 4', status: -1, started: now - 5000, ended: 0 });
  bad.push({ table: 'guild_wars', kind: 'invalid', key: { id: 2 }, reason: /status: -1 is below/ });
  t.guildwar_kills!.push({ id: 1, killer: 'Player 11', target: 'Player 21', killerguild: 1, targetguild: 2, warid: 1, time: now - 100 });

  for (let h = 1; h <= 20; h++) {
    t.houses!.push({ id: h, owner: h % 3 === 0 ? 0 : h, paid: now, warnings: 0, name: `House ${h}`, rent: 1000 * h, town_id: 1 + (h % 5), bid: 0, bid_end: 0, last_bid: 0, highest_bidder: 0, size: 20 + h, beds: h % 3 });
    t.house_lists!.push({ house_id: h, listid: 256, list: `Player ${h}\n#comment` });
    for (let tile = 0; tile < 3; tile++) t.tile_store!.push({ house_id: h, data: bytes(int(10, 300)) });
  }
  t.house_lists!.push({ house_id: 1, listid: 256, list: 'a second guest list for the same door' });
  bad.push({ table: 'house_lists', kind: 'duplicate', key: { house_id: 1, listid: 256 }, reason: /duplicate key/ });
  for (let town = 1; town <= 5; town++) t.towns!.push({ id: town, name: `Town ${town}`, posx: 1000 + town, posy: 1000, posz: 7 });

  t.account_bans!.push({ account_id: 2, reason: 'botting', banned_at: now - 10, expires_at: now + 1000, banned_by: 1 });
  t.account_ban_history!.push({ id: 1, account_id: 3, reason: 'spam', banned_at: now - 9999, expired_at: now - 5000, banned_by: 1 });
  t.ip_bans!.push({ ip: 16777343, reason: 'ddos', banned_at: now, expires_at: now + 100, banned_by: 1 });
  t.ip_bans!.push({ ip: 3_000_000_000, reason: 'ddos', banned_at: now, expires_at: now + 100, banned_by: 1 });
  bad.push({ table: 'ip_bans', kind: 'invalid', key: { ip: 3_000_000_000 }, reason: /ip: 3000000000 is above/ });
  t.player_namelocks!.push({ player_id: 7, reason: 'bad name', namelocked_at: now, namelocked_by: 1 });
  for (let a = 1; a <= 20; a++) t.account_viplist!.push({ account_id: a, player_id: a + 40, description: a === 1 ? 'bestie ✓' : '', icon: a % 10, notify: a % 2 });
  for (let m = 1; m <= 30; m++) {
    t.market_offers!.push({ id: m, player_id: m, sale: m % 2, itemtype: 2160 + m, amount: m, created: now - m, anonymous: 0, price: m * 100 });
    t.market_history!.push({ id: m, player_id: m, sale: m % 2, itemtype: 2160 + m, amount: m, price: m * 90, expires_at: now + m, inserted: now - m, state: 1 });
  }
  t.server_config!.push({ config: 'db_version', value: '29' }, { config: 'motd_hash', value: '' }, { config: 'motd_num', value: '3' }, { config: 'players_record', value: '271' });

  return { tables: t, bad, emptyEmailAccounts, clashPlayer: { id: clash.id as number, name: clash.name as string }, now };
}

/** Creates the TFS schema (plus a table no profile knows) in a MariaDB database and loads the fixture. */
export async function loadTfsMariaDb(db: MariaDb, database: string, fx: TfsFixture): Promise<void> {
  await db.createDatabase(database);
  for (const sql of ddl(TFS_TABLES, 'mysql')) await db.query(sql, [], database);
  await db.query('CREATE TABLE `znote_accounts` (`id` int NOT NULL PRIMARY KEY, `points` int NOT NULL DEFAULT 0)', [], database);
  for (const def of TFS_TABLES) await insertMysql(db, database, def.name, fx.tables[def.name] ?? []);
}

/** Creates Canary's schema (with its guild trigger) in a fresh MariaDB database. */
export async function createCanaryMariaDb(db: MariaDb, database: string): Promise<void> {
  await db.createDatabase(database);
  for (const sql of ddl(CANARY_TABLES, 'mysql')) await db.query(sql, [], database);
  await db.query(CANARY_GUILD_TRIGGER, [], database);
  await db.query("INSERT INTO server_config (config, value) VALUES ('db_version', '58')", [], database);
}

/** A target player that already uses `name` under another id, as a hand-made Canary server might have. */
export async function seedNameClash(db: MariaDb, database: string, fx: TfsFixture): Promise<void> {
  await db.query("INSERT INTO accounts (id, name, password, email) VALUES (900000, 'existing', 'x', 'existing@example.org')", [], database);
  await db.query("INSERT INTO players (id, name, account_id, conditions) VALUES (900000, ?, 900000, '')", [fx.clashPlayer.name], database);
}

async function insertMysql(db: MariaDb, database: string, table: string, rows: readonly FixtureRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = rows.slice(i, i + 200);
    const cols = Object.keys(chunk[0]!);
    const values = chunk.map((r) => cols.map((c) => toMysql(r[c] ?? null)));
    await db.query(`INSERT INTO \`${table}\` (${cols.map((c) => `\`${c}\``).join(', ')}) VALUES ?`, [values], database);
  }
}

const toMysql = (v: V): unknown => (v instanceof Uint8Array ? Buffer.from(v) : v);

/** seedNameClash for a SQLite target. */
export function seedNameClashSqlite(db: Database.Database, fx: TfsFixture): void {
  db.prepare("INSERT INTO accounts (id, name, password, email) VALUES (900000, 'existing', 'x', 'existing@example.org')").run();
  db.prepare("INSERT INTO players (id, name, account_id, conditions) VALUES (900000, ?, 900000, x'')").run(fx.clashPlayer.name);
}

/** The same, into SQLite files (faster tests, and the benchmark). */
export function createSchemaSqlite(db: Database.Database, which: 'tfs' | 'canary'): void {
  for (const sql of ddl(which === 'tfs' ? TFS_TABLES : CANARY_TABLES, 'sqlite')) db.exec(sql);
  if (which === 'canary') db.exec("INSERT INTO server_config (config, value) VALUES ('db_version', '58')");
}

export function loadTfsSqlite(db: Database.Database, fx: TfsFixture): void {
  createSchemaSqlite(db, 'tfs');
  db.exec('CREATE TABLE znote_accounts (id INTEGER PRIMARY KEY, points INTEGER NOT NULL DEFAULT 0)');
  db.transaction(() => {
    for (const def of TFS_TABLES) {
      const rows = fx.tables[def.name] ?? [];
      if (!rows.length) continue;
      const cols = Object.keys(rows[0]!);
      const stmt = db.prepare(`INSERT INTO "${def.name}" (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
      for (const r of rows) stmt.run(cols.map((c) => r[c]!));
    }
  })();
}
