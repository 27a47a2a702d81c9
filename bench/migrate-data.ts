/**
 * Data for bench/migrate.bench.ts: a player-like table (the TFS players
 * columns that matter for speed: ints, 64-bit counters, a name, a blob) and
 * a profile that maps it the way the built-in profile maps players
 * (transforms, defaults, ranges), generated straight into SQLite.
 */
import type Database from 'better-sqlite3';
import { parseProfile, type Profile } from '../src-main/migrate/data/profile';

export const COLUMNS = [
  'id INTEGER PRIMARY KEY',
  'name TEXT NOT NULL',
  'account_id INTEGER NOT NULL',
  'level INTEGER NOT NULL',
  'vocation INTEGER NOT NULL',
  'health INTEGER NOT NULL',
  'healthmax INTEGER NOT NULL',
  'experience INTEGER NOT NULL',
  'looktype INTEGER NOT NULL',
  'lookhead INTEGER NOT NULL',
  'lookbody INTEGER NOT NULL',
  'posx INTEGER NOT NULL',
  'posy INTEGER NOT NULL',
  'posz INTEGER NOT NULL',
  'conditions BLOB',
  'cap INTEGER NOT NULL',
  'lastlogin INTEGER NOT NULL',
  'lastlogout INTEGER NOT NULL',
  'blessings INTEGER NOT NULL',
  'balance INTEGER NOT NULL',
  'stamina INTEGER NOT NULL',
  'skill_sword INTEGER NOT NULL',
  'skill_sword_tries INTEGER NOT NULL',
] as const;

const TARGET_EXTRA = ['blessings1 INTEGER NOT NULL', 'blessings2 INTEGER NOT NULL', 'blessings3 INTEGER NOT NULL'];

export function createSource(db: Database.Database, rows: number): void {
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.exec(`CREATE TABLE players (${COLUMNS.join(', ')})`);
  const names = COLUMNS.map((c) => c.split(' ')[0]!);
  const insert = db.prepare(`INSERT INTO players (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`);
  const blob = Buffer.alloc(24, 7);
  db.transaction(() => {
    for (let i = 1; i <= rows; i++) {
      insert.run(i, `Player ${i}`, 1 + (i >> 1), 1 + i % 400, i % 9, 150 + i % 50, 200, i * 1013, 128, i % 132, i % 100, 1000 + i % 100, 1000 + i % 77, 7,
        i % 4 === 0 ? null : blob, 400, 1_700_000_000 + i, 1_700_000_100 + i, i % 32, i * 7, 2520, 10 + i % 90, i * 3);
    }
  })();
}

/** CREATE TABLE for the target (the source's columns plus the blessing bits) in SQLite. */
export function createTarget(db: Database.Database): void {
  db.exec(`CREATE TABLE players (${[...COLUMNS, ...TARGET_EXTRA].join(', ')})`);
}

const toMysql = (c: string): string =>
  c
    .replace('INTEGER PRIMARY KEY', 'int NOT NULL PRIMARY KEY')
    .replace(/^(experience|lastlogin|lastlogout|balance|skill_sword_tries) INTEGER/, '$1 bigint')
    .replace('INTEGER', 'int')
    .replace('TEXT', 'varchar(255)')
    .replace('BLOB', 'mediumblob');

/** The same tables in MariaDB. */
export function mysqlDdl(which: 'source' | 'target'): string {
  const cols = which === 'source' ? [...COLUMNS] : [...COLUMNS, ...TARGET_EXTRA];
  return `CREATE TABLE players (${cols.map(toMysql).join(', ')}) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3`;
}

const I32 = { min: -2147483648, max: 2147483647 };
const U64 = { min: 0, max: '18446744073709551615' };

/** The players mapping of the built-in profile, cut to these columns. */
export const BENCH_PROFILE: Profile = parseProfile({
  name: 'bench-players',
  source: { name: 'player-like' },
  target: { name: 'player-like' },
  tables: [
    {
      source: 'players',
      target: 'players',
      key: ['id'],
      columns: {
        id: { type: 'int', min: 1, max: I32.max },
        name: { type: 'text', maxLength: 255, notEmpty: true },
        account_id: { type: 'int', min: 1, max: 4294967295 },
        level: { type: 'int', min: 1, max: I32.max },
        vocation: { type: 'int', ...I32 },
        health: { type: 'int', ...I32 },
        healthmax: { type: 'int', ...I32 },
        experience: { type: 'int', min: 0, max: '9223372036854775807' },
        looktype: { type: 'int', ...I32 },
        lookhead: { type: 'int', ...I32 },
        lookbody: { type: 'int', ...I32 },
        posx: { type: 'int', ...I32 },
        posy: { type: 'int', ...I32 },
        posz: { type: 'int', ...I32 },
        conditions: { type: 'blob', default: '', maxLength: 16777215 },
        cap: { type: 'int', ...I32 },
        lastlogin: { type: 'int', ...U64 },
        lastlogout: { type: 'int', ...U64 },
        blessings: { type: 'int', min: -128, max: 127 },
        blessings1: { type: 'int', from: 'blessings', transform: 'bit', args: { bit: 0 } },
        blessings2: { type: 'int', from: 'blessings', transform: 'bit', args: { bit: 1 } },
        blessings3: { type: 'int', from: 'blessings', transform: 'bit', args: { bit: 2 } },
        balance: { type: 'int', ...U64 },
        stamina: { type: 'int', min: 0, max: 65535 },
        skill_sword: { type: 'int', min: 0, max: 4294967295 },
        skill_sword_tries: { type: 'int', ...U64 },
      },
    },
  ],
});

/** The floor's column list: the same target columns, computed in SQL. */
export const FLOOR_SELECT = `${COLUMNS.map((c) => c.split(' ')[0]).join(', ')}, blessings & 1, (blessings >> 1) & 1, (blessings >> 2) & 1`;
export const FLOOR_COLUMNS = `${COLUMNS.map((c) => c.split(' ')[0]).join(', ')}, blessings1, blessings2, blessings3`;
