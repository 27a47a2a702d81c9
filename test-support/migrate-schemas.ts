/**
 * TFS 1.4 and Canary 3.6.1 shaped schemas for the migration tests and the
 * benchmark, as data, emitted as DDL for MariaDB or SQLite. Column names,
 * types and defaults follow the upstream schema.sql files named in
 * docs/migrations.md; tables the tests do not touch are left out.
 *
 * Column mini-syntax: "name type [null] [=default] [auto]".
 */

export interface TableDef {
  readonly name: string;
  readonly columns: readonly string[];
  readonly primary?: readonly string[];
  readonly unique?: readonly (readonly string[])[];
  readonly fks?: readonly { cols: readonly string[]; ref: string; refCols: readonly string[]; cascade?: boolean }[];
}

export type Dialect = 'mysql' | 'sqlite';

const p = (table: string, cascade = true) => ({ cols: ['player_id'], ref: 'players', refCols: ['id'], cascade }) as const;

export const TFS_TABLES: readonly TableDef[] = [
  {
    name: 'accounts',
    columns: ['id int auto', 'name varchar(32)', 'password char(40)', 'secret char(16) null', 'type int =1', 'premium_ends_at uint =0', "email varchar(255) =''", 'creation int =0'],
    primary: ['id'],
    unique: [['name']],
  },
  {
    name: 'players',
    columns: [
      'id int auto', 'name varchar(255)', 'group_id int =1', 'account_id int =0', 'level int =1', 'vocation int =0', 'health int =150', 'healthmax int =150',
      'experience ubigint =0', 'lookbody int =0', 'lookfeet int =0', 'lookhead int =0', 'looklegs int =0', 'looktype int =136', 'lookaddons int =0',
      'direction utinyint =2', 'maglevel int =0', 'mana int =0', 'manamax int =0', 'manaspent ubigint =0', 'soul uint =0', 'town_id int =1',
      'posx int =0', 'posy int =0', 'posz int =0', 'conditions blob null', 'cap int =400', 'sex int =0', 'lastlogin ubigint =0', 'lastip uint =0',
      'save tinyint =1', 'skull tinyint =0', 'skulltime bigint =0', 'lastlogout ubigint =0', 'blessings tinyint =0', 'onlinetime bigint =0',
      'deletion bigint =0', 'balance ubigint =0', 'offlinetraining_time usmallint =43200', 'offlinetraining_skill int =-1', 'stamina usmallint =2520',
      ...['fist', 'club', 'sword', 'axe', 'dist', 'shielding', 'fishing'].flatMap((s) => [`skill_${s} uint =10`, `skill_${s}_tries ubigint =0`]),
    ],
    primary: ['id'],
    unique: [['name']],
    fks: [{ cols: ['account_id'], ref: 'accounts', refCols: ['id'], cascade: true }],
  },
  {
    name: 'account_bans',
    columns: ['account_id int', 'reason varchar(255)', 'banned_at bigint', 'expires_at bigint', 'banned_by int'],
    primary: ['account_id'],
    fks: [{ cols: ['account_id'], ref: 'accounts', refCols: ['id'], cascade: true }, { cols: ['banned_by'], ref: 'players', refCols: ['id'], cascade: true }],
  },
  {
    name: 'account_ban_history',
    columns: ['id uint auto', 'account_id int', 'reason varchar(255)', 'banned_at bigint', 'expired_at bigint', 'banned_by int'],
    primary: ['id'],
    fks: [{ cols: ['account_id'], ref: 'accounts', refCols: ['id'], cascade: true }, { cols: ['banned_by'], ref: 'players', refCols: ['id'], cascade: true }],
  },
  {
    name: 'account_storage',
    columns: ['account_id int', 'key uint', 'value int'],
    primary: ['account_id', 'key'],
    fks: [{ cols: ['account_id'], ref: 'accounts', refCols: ['id'], cascade: true }],
  },
  {
    name: 'ip_bans',
    columns: ['ip uint', 'reason varchar(255)', 'banned_at bigint', 'expires_at bigint', 'banned_by int'],
    primary: ['ip'],
    fks: [{ cols: ['banned_by'], ref: 'players', refCols: ['id'], cascade: true }],
  },
  {
    name: 'player_namelocks',
    columns: ['player_id int', 'reason varchar(255)', 'namelocked_at bigint', 'namelocked_by int'],
    primary: ['player_id'],
    fks: [p('player_namelocks'), { cols: ['namelocked_by'], ref: 'players', refCols: ['id'], cascade: true }],
  },
  {
    name: 'account_viplist',
    columns: ['account_id int', 'player_id int', "description varchar(128) =''", 'icon utinyint =0', 'notify tinyint =0'],
    unique: [['account_id', 'player_id']],
    fks: [{ cols: ['account_id'], ref: 'accounts', refCols: ['id'], cascade: true }, p('account_viplist')],
  },
  {
    name: 'guilds',
    columns: ['id int auto', 'name varchar(255)', 'ownerid int', 'creationdata int', "motd varchar(255) =''"],
    primary: ['id'],
    unique: [['name'], ['ownerid']],
    fks: [{ cols: ['ownerid'], ref: 'players', refCols: ['id'], cascade: true }],
  },
  { name: 'guild_invites', columns: ['player_id int =0', 'guild_id int =0'], primary: ['player_id', 'guild_id'], fks: [p('guild_invites'), { cols: ['guild_id'], ref: 'guilds', refCols: ['id'], cascade: true }] },
  { name: 'guild_ranks', columns: ['id int auto', 'guild_id int', 'name varchar(255)', 'level int'], primary: ['id'], fks: [{ cols: ['guild_id'], ref: 'guilds', refCols: ['id'], cascade: true }] },
  {
    name: 'guild_membership',
    columns: ['player_id int', 'guild_id int', 'rank_id int', "nick varchar(15) =''"],
    primary: ['player_id'],
    fks: [p('guild_membership'), { cols: ['guild_id'], ref: 'guilds', refCols: ['id'], cascade: true }, { cols: ['rank_id'], ref: 'guild_ranks', refCols: ['id'], cascade: true }],
  },
  {
    name: 'guild_wars',
    columns: ['id int auto', 'guild1 int =0', 'guild2 int =0', 'name1 varchar(255)', 'name2 varchar(255)', 'status tinyint =0', 'started bigint =0', 'ended bigint =0'],
    primary: ['id'],
  },
  {
    name: 'guildwar_kills',
    columns: ['id int auto', 'killer varchar(50)', 'target varchar(50)', 'killerguild int =0', 'targetguild int =0', 'warid int =0', 'time bigint'],
    primary: ['id'],
    fks: [{ cols: ['warid'], ref: 'guild_wars', refCols: ['id'], cascade: true }],
  },
  {
    name: 'houses',
    columns: [
      'id int auto', 'owner int', 'paid uint =0', 'warnings int =0', 'name varchar(255)', 'rent int =0', 'town_id int =0', 'bid int =0', 'bid_end int =0',
      'last_bid int =0', 'highest_bidder int =0', 'size int =0', 'beds int =0',
    ],
    primary: ['id'],
  },
  { name: 'house_lists', columns: ['house_id int', 'listid int', 'list text'], fks: [{ cols: ['house_id'], ref: 'houses', refCols: ['id'], cascade: true }] },
  {
    name: 'market_history',
    columns: ['id uint auto', 'player_id int', 'sale tinyint =0', 'itemtype usmallint', 'amount usmallint', 'price uint =0', 'expires_at ubigint', 'inserted ubigint', 'state utinyint'],
    primary: ['id'],
    fks: [p('market_history')],
  },
  {
    name: 'market_offers',
    columns: ['id uint auto', 'player_id int', 'sale tinyint =0', 'itemtype usmallint', 'amount usmallint', 'created ubigint', 'anonymous tinyint =0', 'price uint =0'],
    primary: ['id'],
    fks: [p('market_offers')],
  },
  { name: 'players_online', columns: ['player_id int'], primary: ['player_id'] },
  {
    name: 'player_deaths',
    columns: ['player_id int', 'time ubigint =0', 'level int =1', 'killed_by varchar(255)', 'is_player tinyint =1', 'mostdamage_by varchar(100)', 'mostdamage_is_player tinyint =0', 'unjustified tinyint =0', 'mostdamage_unjustified tinyint =0'],
    fks: [p('player_deaths')],
  },
  ...(['player_depotitems', 'player_inboxitems', 'player_storeinboxitems'] as const).map((name) => ({
    name,
    columns: ['player_id int', 'sid int', 'pid int =0', 'itemtype usmallint', 'count smallint =0', 'attributes blob'],
    unique: [['player_id', 'sid']],
    fks: [p(name)],
  })),
  {
    name: 'player_items',
    columns: ['player_id int =0', 'pid int =0', 'sid int =0', 'itemtype usmallint =0', 'count smallint =0', 'attributes blob'],
    fks: [p('player_items')],
  },
  { name: 'player_spells', columns: ['player_id int', 'name varchar(255)'], fks: [p('player_spells')] },
  { name: 'player_storage', columns: ['player_id int =0', 'key uint =0', 'value int =0'], primary: ['player_id', 'key'], fks: [p('player_storage')] },
  { name: 'server_config', columns: ['config varchar(50)', "value varchar(256) =''"], primary: ['config'] },
  { name: 'tile_store', columns: ['house_id int', 'data longblob'], fks: [{ cols: ['house_id'], ref: 'houses', refCols: ['id'], cascade: true }] },
  { name: 'towns', columns: ['id int auto', 'name varchar(255)', 'posx int =0', 'posy int =0', 'posz int =0'], primary: ['id'], unique: [['name']] },
];

const itemTable = (name: string, primary?: string[]): TableDef => ({
  name,
  columns: ['player_id int', 'sid int', 'pid int =0', 'itemtype int =0', 'count int =0', 'attributes blob'],
  ...(primary ? { primary } : { unique: [['player_id', 'sid']] }),
  fks: [p(name)],
});

export const CANARY_TABLES: readonly TableDef[] = [
  { name: 'server_config', columns: ['config varchar(50)', "value varchar(256) =''"], primary: ['config'] },
  {
    name: 'accounts',
    columns: [
      'id uint auto', 'name varchar(32)', 'password varchar(255)', "email varchar(255) =''", 'premdays int =0', 'premdays_purchased int =0', 'lastday uint =0',
      'type utinyint =1', 'coins uint =0', 'coins_transferable uint =0', 'tournament_coins uint =0', 'creation uint =0', 'recruiter int null =0', 'house_bid_id int =0',
    ],
    primary: ['id'],
    unique: [['name']],
  },
  {
    name: 'players',
    columns: [
      'id int auto', 'name varchar(255)', 'group_id int =1', 'account_id uint =0', 'level int =1', 'vocation int =0', 'health int =150', 'healthmax int =150',
      'experience bigint =0', 'lookbody int =0', 'lookfeet int =0', 'lookhead int =0', 'looklegs int =0', 'looktype int =136', 'lookaddons int =0',
      'maglevel int =0', 'mana int =0', 'manamax int =0', 'manaspent ubigint =0', 'soul uint =0', 'town_id int =1', 'posx int =0', 'posy int =0', 'posz int =0',
      'conditions mediumblob', 'cap int =0', 'sex int =0', 'pronoun int =0', 'lastlogin ubigint =0', 'lastip uint =0', 'save tinyint =1', 'skull tinyint =0',
      'skulltime bigint =0', 'lastlogout ubigint =0', 'blessings tinyint =0', ...[1, 2, 3, 4, 5, 6, 7, 8].map((i) => `blessings${i} tinyint =0`),
      'onlinetime int =0', 'deletion bigint =0', 'balance ubigint =0', 'offlinetraining_time usmallint =43200', 'offlinetraining_skill tinyint =-1',
      'stamina usmallint =2520',
      ...['fist', 'club', 'sword', 'axe', 'dist', 'shielding', 'fishing', 'critical_hit_chance', 'critical_hit_damage', 'life_leech_chance', 'life_leech_amount', 'mana_leech_chance', 'mana_leech_amount'].flatMap(
        (s) => [`skill_${s} uint =${['fist', 'club', 'sword', 'axe', 'dist', 'shielding', 'fishing'].includes(s) ? 10 : 0}`, `skill_${s}_tries ubigint =0`],
      ),
      'manashield uint =0', 'max_manashield uint =0', 'xpboost_stamina usmallint null', 'xpboost_value utinyint null', 'marriage_status ubigint =0',
      'marriage_spouse int =-1', 'bonus_rerolls bigint =0', 'prey_wildcard bigint =0', 'task_points bigint =0', 'quickloot_fallback tinyint null =0',
      'lookmountbody utinyint =0', 'lookmountfeet utinyint =0', 'lookmounthead utinyint =0', 'lookmountlegs utinyint =0', 'lookfamiliarstype uint =0',
      'isreward tinyint =1', 'istutorial tinyint =0', 'forge_dusts bigint =0', 'forge_dust_level bigint =100', 'randomize_mount tinyint =0', 'boss_points int =0',
      "comment varchar(255) =''", 'animus_mastery mediumblob null',
    ],
    primary: ['id'],
    unique: [['name']],
    fks: [{ cols: ['account_id'], ref: 'accounts', refCols: ['id'], cascade: true }],
  },
  {
    name: 'account_bans',
    columns: ['account_id uint', 'reason varchar(255)', 'banned_at bigint', 'expires_at bigint', 'banned_by int'],
    primary: ['account_id'],
    fks: [{ cols: ['account_id'], ref: 'accounts', refCols: ['id'], cascade: true }, { cols: ['banned_by'], ref: 'players', refCols: ['id'], cascade: true }],
  },
  {
    name: 'account_ban_history',
    columns: ['id int auto', 'account_id uint', 'reason varchar(255)', 'banned_at bigint', 'expired_at bigint', 'banned_by int'],
    primary: ['id'],
    fks: [{ cols: ['account_id'], ref: 'accounts', refCols: ['id'], cascade: true }, { cols: ['banned_by'], ref: 'players', refCols: ['id'], cascade: true }],
  },
  {
    name: 'account_viplist',
    columns: ['account_id uint', 'player_id int', "description varchar(128) =''", 'icon utinyint =0', 'notify tinyint =0'],
    unique: [['account_id', 'player_id']],
    fks: [{ cols: ['account_id'], ref: 'accounts', refCols: ['id'], cascade: true }, p('account_viplist')],
  },
  {
    name: 'guilds',
    columns: ['id int auto', 'level int =1', 'name varchar(255)', 'ownerid int', 'creationdata int', "motd varchar(255) =''", 'residence int =0', 'balance ubigint =0', 'points int =0'],
    primary: ['id'],
    unique: [['name'], ['ownerid']],
    fks: [{ cols: ['ownerid'], ref: 'players', refCols: ['id'], cascade: true }],
  },
  {
    name: 'guild_wars',
    columns: [
      'id int auto', 'guild1 int =0', 'guild2 int =0', 'name1 varchar(255)', 'name2 varchar(255)', 'status utinyint =0', 'started bigint =0', 'ended bigint =0',
      'frags_limit usmallint =0', 'payment ubigint =0', 'duration_days utinyint =0',
    ],
    primary: ['id'],
  },
  {
    name: 'guildwar_kills',
    columns: ['id int auto', 'killer varchar(50)', 'target varchar(50)', 'killerguild int =0', 'targetguild int =0', 'warid int =0', 'time bigint'],
    primary: ['id'],
    fks: [{ cols: ['warid'], ref: 'guild_wars', refCols: ['id'], cascade: true }],
  },
  {
    name: 'guild_invites',
    columns: ['player_id int =0', 'guild_id int =0', 'date int'],
    primary: ['player_id', 'guild_id'],
    fks: [p('guild_invites'), { cols: ['guild_id'], ref: 'guilds', refCols: ['id'], cascade: true }],
  },
  { name: 'guild_ranks', columns: ['id int auto', 'guild_id int', 'name varchar(255)', 'level int'], primary: ['id'], fks: [{ cols: ['guild_id'], ref: 'guilds', refCols: ['id'], cascade: true }] },
  {
    name: 'guild_membership',
    columns: ['player_id int', 'guild_id int', 'rank_id int', "nick varchar(15) =''"],
    primary: ['player_id'],
    fks: [p('guild_membership'), { cols: ['guild_id'], ref: 'guilds', refCols: ['id'], cascade: true }, { cols: ['rank_id'], ref: 'guild_ranks', refCols: ['id'], cascade: true }],
  },
  {
    name: 'houses',
    columns: [
      'id int auto', 'owner int', 'new_owner int =-1', 'paid uint =0', 'warnings int =0', 'name varchar(255)', 'rent int =0', 'town_id int =0', 'size int =0',
      'guildid int null', 'beds int =0', 'bidder int =0', "bidder_name varchar(255) =''", 'highest_bid int =0', 'internal_bid int =0', 'bid_end_date int =0',
      'state usmallint =0', 'transfer_status tinyint null =0',
    ],
    primary: ['id'],
  },
  {
    name: 'house_lists',
    columns: ['house_id int', 'listid int', 'version bigint =0', 'list text'],
    primary: ['house_id', 'listid'],
    fks: [{ cols: ['house_id'], ref: 'houses', refCols: ['id'], cascade: true }],
  },
  {
    name: 'ip_bans',
    columns: ['ip int', 'reason varchar(255)', 'banned_at bigint', 'expires_at bigint', 'banned_by int'],
    primary: ['ip'],
    fks: [{ cols: ['banned_by'], ref: 'players', refCols: ['id'], cascade: true }],
  },
  {
    name: 'market_history',
    columns: ['id int auto', 'player_id int', 'sale tinyint =0', 'itemtype uint', 'amount usmallint', 'price ubigint =0', 'expires_at ubigint', 'inserted ubigint', 'state utinyint', 'tier utinyint =0'],
    primary: ['id'],
    fks: [p('market_history')],
  },
  {
    name: 'market_offers',
    columns: ['id int auto', 'player_id int', 'sale tinyint =0', 'itemtype uint', 'amount usmallint', 'created ubigint', 'anonymous tinyint =0', 'price ubigint =0', 'tier utinyint =0'],
    primary: ['id'],
    fks: [p('market_offers')],
  },
  {
    name: 'player_deaths',
    columns: [
      'player_id int', 'time ubigint =0', 'level int =1', 'killed_by varchar(255)', 'is_player tinyint =1', 'mostdamage_by varchar(100)', 'mostdamage_is_player tinyint =0',
      'unjustified tinyint =0', 'mostdamage_unjustified tinyint =0', 'participants text',
    ],
    fks: [p('player_deaths')],
  },
  itemTable('player_depotitems'),
  itemTable('player_inboxitems'),
  { ...itemTable('player_items', ['player_id', 'pid', 'sid']) },
  { name: 'player_namelocks', columns: ['player_id int', 'reason varchar(255)', 'namelocked_at bigint', 'namelocked_by int'], unique: [['player_id']], fks: [p('player_namelocks'), { cols: ['namelocked_by'], ref: 'players', refCols: ['id'], cascade: true }] },
  { name: 'player_spells', columns: ['player_id int', 'name varchar(255)'], primary: ['player_id', 'name'], fks: [p('player_spells')] },
  { name: 'player_storage', columns: ['player_id int =0', 'key uint =0', 'value int =0'], primary: ['player_id', 'key'], fks: [p('player_storage')] },
  { name: 'tile_store', columns: ['house_id int', 'data longblob'], fks: [{ cols: ['house_id'], ref: 'houses', refCols: ['id'], cascade: true }] },
  { name: 'towns', columns: ['id int auto', 'name varchar(255)', 'posx int =0', 'posy int =0', 'posz int =0'], primary: ['id'], unique: [['name']] },
];

/** Canary's trigger that gives every new guild three default ranks (MariaDB only). */
export const CANARY_GUILD_TRIGGER = `CREATE TRIGGER \`oncreate_guilds\` AFTER INSERT ON \`guilds\` FOR EACH ROW BEGIN
  INSERT INTO \`guild_ranks\` (\`name\`, \`level\`, \`guild_id\`) VALUES ('The Leader', 3, NEW.\`id\`);
  INSERT INTO \`guild_ranks\` (\`name\`, \`level\`, \`guild_id\`) VALUES ('Vice-Leader', 2, NEW.\`id\`);
  INSERT INTO \`guild_ranks\` (\`name\`, \`level\`, \`guild_id\`) VALUES ('Member', 1, NEW.\`id\`);
END`;

const MYSQL_TYPES: Record<string, string> = {
  int: 'int', uint: 'int unsigned', bigint: 'bigint', ubigint: 'bigint unsigned', tinyint: 'tinyint', utinyint: 'tinyint unsigned',
  smallint: 'smallint', usmallint: 'smallint unsigned', text: 'text', blob: 'blob', mediumblob: 'mediumblob', longblob: 'longblob',
};

/** CREATE TABLE statements, one per table, in order (MariaDB tables in utf8mb3, as both upstream schemas declare `utf8`). */
export function ddl(tables: readonly TableDef[], dialect: Dialect): string[] {
  const q = (s: string) => (dialect === 'mysql' ? `\`${s}\`` : `"${s}"`);
  return tables.map((t) => {
    const lines: string[] = [];
    for (const spec of t.columns) {
      const [name, type, ...flags] = spec.split(' ') as [string, string, ...string[]];
      const nullable = flags.includes('null');
      const auto = flags.includes('auto');
      const def = flags.find((f) => f.startsWith('='))?.slice(1);
      if (dialect === 'sqlite') {
        const st = /int/.test(type) ? 'INTEGER' : /blob/.test(type) ? 'BLOB' : 'TEXT';
        if (auto) {
          lines.push(`${q(name)} INTEGER PRIMARY KEY AUTOINCREMENT`);
          continue;
        }
        lines.push(`${q(name)} ${st}${nullable ? '' : ' NOT NULL'}${def !== undefined ? ` DEFAULT ${def}` : ''}`);
      } else {
        const mt = MYSQL_TYPES[type] ?? type;
        lines.push(`${q(name)} ${mt}${nullable ? '' : ' NOT NULL'}${auto ? ' AUTO_INCREMENT' : ''}${def !== undefined ? ` DEFAULT ${def}` : ''}`);
      }
    }
    const autoInPk = dialect === 'sqlite' && t.columns.some((c) => c.includes(' auto'));
    if (t.primary && !autoInPk) lines.push(`PRIMARY KEY (${t.primary.map(q).join(', ')})`);
    for (const u of t.unique ?? []) lines.push(`UNIQUE (${u.map(q).join(', ')})`);
    for (const fk of t.fks ?? [])
      lines.push(`FOREIGN KEY (${fk.cols.map(q).join(', ')}) REFERENCES ${q(fk.ref)} (${fk.refCols.map(q).join(', ')})${fk.cascade ? ' ON DELETE CASCADE' : ''}`);
    const tail = dialect === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb3' : '';
    return `CREATE TABLE ${q(t.name)} (\n  ${lines.join(',\n  ')}\n)${tail}`;
  });
}
