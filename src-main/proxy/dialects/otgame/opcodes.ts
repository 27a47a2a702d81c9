/**
 * Opcode names, by service and direction. Numbers from OTClient's
 * src/client/protocolcodes.h and modules/gamelib/protocollogin.lua
 * (mehah/otclient) and Canary's protocolgame.cpp / protocollogin.cpp; the
 * names are ours, in the UPPER_SNAKE style of the UP/2.0 catalogue. One
 * frame may carry several messages (Canary batches them); the first names
 * the record.
 */
import { type Dir } from '../../../../src-shared/records';
import { opHex } from './reader';

export type Service = 'login' | 'game';

/** Server → client on the game service. */
export const GAME_S2C: ReadonlyMap<number, string> = new Map([
  [0x0a, 'LOGIN_OR_PENDING_STATE'], [0x0b, 'GM_ACTIONS'], [0x0f, 'ENTER_GAME'], [0x11, 'UPDATE_NEEDED'], [0x14, 'LOGIN_ERROR'],
  [0x15, 'LOGIN_ADVICE'], [0x16, 'LOGIN_WAIT'], [0x17, 'LOGIN_SUCCESS'], [0x18, 'SESSION_END'],
  [0x19, 'STORE_BUTTON_INDICATORS'], [0x1a, 'BUG_REPORT'], [0x1d, 'PING_BACK'], [0x1e, 'PING'], [0x1f, 'CHALLENGE'],
  [0x28, 'DEATH'], [0x29, 'SUPPLY_STASH'], [0x2a, 'SPECIAL_CONTAINER'], [0x2b, 'PARTY_ANALYZER'], [0x32, 'EXTENDED_OPCODE'],
  [0x33, 'CHANGE_MAP_AWARE_RANGE'], [0x34, 'ATTACHED_EFFECT'], [0x35, 'DETACH_EFFECT'], [0x36, 'CREATURE_SHADER'],
  [0x37, 'MAP_SHADER'], [0x38, 'CREATURE_TYPING'], [0x3c, 'ATTACHED_PAPERDOLL'], [0x3d, 'DETACH_PAPERDOLL'], [0x43, 'FEATURES'],
  [0x4b, 'FLOOR_DESCRIPTION'], [0x5c, 'WEAPON_PROFICIENCY_EXPERIENCE'], [0x5d, 'IMBUEMENT_DURATIONS'],
  [0x5e, 'PASSIVE_COOLDOWN'], [0x61, 'BOSSTIARY_DATA'], [0x62, 'BOSSTIARY_SLOTS'], [0x63, 'SEND_CLIENT_CHECK'],
  [0x64, 'MAP_DESCRIPTION'], [0x65, 'MAP_TOP_ROW'], [0x66, 'MAP_RIGHT_ROW'], [0x67, 'MAP_BOTTOM_ROW'], [0x68, 'MAP_LEFT_ROW'],
  [0x69, 'UPDATE_TILE'], [0x6a, 'ADD_ON_MAP'], [0x6b, 'UPDATE_ON_MAP'], [0x6c, 'REMOVE_FROM_MAP'], [0x6d, 'MOVE_CREATURE'],
  [0x6e, 'OPEN_CONTAINER'], [0x6f, 'CLOSE_CONTAINER'], [0x70, 'CREATE_CONTAINER'], [0x71, 'CHANGE_IN_CONTAINER'],
  [0x72, 'DELETE_IN_CONTAINER'], [0x73, 'BOSSTIARY_INFO'], [0x75, 'TAKE_SCREENSHOT'], [0x76, 'CYCLOPEDIA_ITEM_DETAIL'],
  [0x78, 'SET_INVENTORY'], [0x79, 'DELETE_INVENTORY'], [0x7a, 'OPEN_NPC_TRADE'], [0x7b, 'PLAYER_GOODS'],
  [0x7c, 'CLOSE_NPC_TRADE'], [0x7d, 'OWN_TRADE'], [0x7e, 'COUNTER_TRADE'], [0x7f, 'CLOSE_TRADE'], [0x82, 'AMBIENT'],
  [0x83, 'MAGIC_EFFECT'], [0x84, 'TEXT_EFFECT'], [0x85, 'MISSILE_EFFECT'], [0x86, 'ITEM_CLASSES'], [0x87, 'TRAPPERS'],
  [0x88, 'BROWSE_FORGE_HISTORY'], [0x89, 'CLOSE_FORGE_WINDOW'], [0x8a, 'FORGE_RESULT'], [0x8b, 'CREATURE_DATA'],
  [0x8c, 'CREATURE_HEALTH'], [0x8d, 'CREATURE_LIGHT'], [0x8e, 'CREATURE_OUTFIT'], [0x8f, 'CREATURE_SPEED'],
  [0x90, 'CREATURE_SKULL'], [0x91, 'CREATURE_PARTY'], [0x92, 'CREATURE_UNPASS'], [0x93, 'CREATURE_MARKS'],
  [0x94, 'PLAYER_HELPERS'], [0x95, 'CREATURE_TYPE'], [0x96, 'EDIT_TEXT'], [0x97, 'EDIT_LIST'], [0x98, 'SEND_GAME_NEWS'],
  [0x9b, 'SEND_BLESS_DIALOG'], [0x9c, 'BLESSINGS'], [0x9d, 'PRESET'], [0x9e, 'PREMIUM_TRIGGER'], [0x9f, 'PLAYER_DATA_BASIC'],
  [0xa0, 'PLAYER_STATS'], [0xa1, 'PLAYER_SKILLS'], [0xa2, 'PLAYER_STATE'], [0xa3, 'CLEAR_TARGET'], [0xa4, 'SPELL_DELAY'],
  [0xa5, 'SPELL_GROUP_DELAY'], [0xa6, 'MULTI_USE_DELAY'], [0xa7, 'PLAYER_MODES'], [0xa8, 'SET_STORE_DEEP_LINK'],
  [0xa9, 'SEND_RESTING_AREA_STATE'], [0xaa, 'CREATURE_SAY'], [0xab, 'CHANNELS'], [0xac, 'OPEN_CHANNEL'],
  [0xad, 'OPEN_PRIVATE_CHANNEL'], [0xae, 'RULE_VIOLATION_CHANNEL'], [0xaf, 'RULE_VIOLATION_REMOVE'],
  [0xb0, 'RULE_VIOLATION_CANCEL'], [0xb1, 'RULE_VIOLATION_LOCK'], [0xb2, 'OPEN_OWN_CHANNEL'], [0xb3, 'CLOSE_CHANNEL'],
  [0xb4, 'TEXT_MESSAGE'], [0xb5, 'CANCEL_WALK'], [0xb6, 'WALK_WAIT'], [0xb7, 'UNJUSTIFIED_STATS'], [0xb8, 'PVP_SITUATIONS'],
  [0xb9, 'BESTIARY_REFRESH_TRACKER'], [0xba, 'TASK_HUNTING_BASIC_DATA'], [0xbb, 'TASK_HUNTING_DATA'],
  [0xbd, 'BOSSTIARY_COOLDOWN_TIMER'], [0xbe, 'FLOOR_CHANGE_UP'], [0xbf, 'FLOOR_CHANGE_DOWN'], [0xc0, 'LOOT_CONTAINERS'],
  [0xc1, 'MONK_DATA'], [0xc3, 'CYCLOPEDIA_HOUSE_AUCTION_MESSAGE'], [0xc4, 'WEAPON_PROFICIENCY_INFO'],
  [0xc6, 'CYCLOPEDIA_HOUSES_INFO'], [0xc7, 'CYCLOPEDIA_HOUSE_LIST'], [0xc8, 'CHOOSE_OUTFIT'],
  [0xcc, 'SEND_UPDATE_IMPACT_TRACKER'], [0xcd, 'SEND_ITEMS_PRICE'], [0xce, 'SEND_UPDATE_SUPPLY_TRACKER'],
  [0xcf, 'SEND_UPDATE_LOOT_TRACKER'], [0xd0, 'QUEST_TRACKER'], [0xd1, 'KILL_TRACKER'], [0xd2, 'VIP_ADD'], [0xd3, 'VIP_STATE'],
  [0xd4, 'VIP_LOGOUT'], [0xd5, 'BESTIARY_RACES'], [0xd6, 'BESTIARY_OVERVIEW'], [0xd7, 'BESTIARY_MONSTER_DATA'],
  [0xd8, 'BESTIARY_CHARMS_DATA'], [0xd9, 'BESTIARY_ENTRY_CHANGED'], [0xda, 'CYCLOPEDIA_CHARACTER_INFO_DATA'],
  [0xdc, 'TUTORIAL_HINT'], [0xdd, 'AUTOMAP_FLAG'], [0xde, 'SEND_DAILY_REWARD_COLLECTION_STATE'], [0xdf, 'COIN_BALANCE'],
  [0xe0, 'STORE_ERROR'], [0xe1, 'REQUEST_PURCHASE_DATA'], [0xe2, 'SEND_OPEN_REWARD_WALL'], [0xe4, 'SEND_DAILY_REWARD'],
  [0xe5, 'SEND_REWARD_HISTORY'], [0xe6, 'SEND_PREY_FREE_REROLLS'], [0xe7, 'SEND_PREY_TIME_LEFT'], [0xe8, 'SEND_PREY_DATA'],
  [0xe9, 'SEND_PREY_REROLL_PRICE'], [0xea, 'SEND_SHOW_DESCRIPTION'], [0xeb, 'SEND_IMBUEMENT_WINDOW'],
  [0xec, 'SEND_CLOSE_IMBUEMENT_WINDOW'], [0xed, 'SEND_ERROR'], [0xee, 'RESOURCE_BALANCE'], [0xef, 'WORLD_TIME'],
  [0xf0, 'QUEST_LOG'], [0xf1, 'QUEST_LINE'], [0xf2, 'COIN_BALANCE_UPDATING'], [0xf3, 'CHANNEL_EVENT'], [0xf4, 'ITEM_INFO'],
  [0xf5, 'PLAYER_INVENTORY'], [0xf6, 'MARKET_ENTER'], [0xf7, 'MARKET_LEAVE'], [0xf8, 'MARKET_DETAIL'], [0xf9, 'MARKET_BROWSE'],
  [0xfa, 'MODAL_DIALOG'], [0xfb, 'STORE'], [0xfc, 'STORE_OFFERS'], [0xfd, 'STORE_TRANSACTION_HISTORY'],
  [0xfe, 'STORE_COMPLETE_PURCHASE'],
]);

/** Client → server on the game service. 0x32 and 0x33 are OTClient-only. */
export const GAME_C2S: ReadonlyMap<number, string> = new Map([
  [0x01, 'ENTER_ACCOUNT'], [0x0a, 'GAME_LOGIN'], [0x0f, 'ENTER_GAME'], [0x14, 'LOGOUT'], [0x1d, 'PING'], [0x1e, 'PING_BACK'],
  [0x28, 'USE_STASH'], [0x2a, 'BESTIARY_TRACKER_STATUS'], [0x2b, 'PARTY_ANALYZER_ACTION'], [0x32, 'EXTENDED_OPCODE'],
  [0x33, 'CHANGE_MAP_AWARE_RANGE'], [0x60, 'IMBUEMENT_DURATIONS'], [0x64, 'AUTO_WALK'], [0x65, 'WALK_NORTH'],
  [0x66, 'WALK_EAST'], [0x67, 'WALK_SOUTH'], [0x68, 'WALK_WEST'], [0x69, 'STOP'], [0x6a, 'WALK_NORTH_EAST'],
  [0x6b, 'WALK_SOUTH_EAST'], [0x6c, 'WALK_SOUTH_WEST'], [0x6d, 'WALK_NORTH_WEST'], [0x6f, 'TURN_NORTH'], [0x70, 'TURN_EAST'],
  [0x71, 'TURN_SOUTH'], [0x72, 'TURN_WEST'], [0x73, 'GM_TELEPORT'], [0x77, 'EQUIP_ITEM'], [0x78, 'MOVE_THING'],
  [0x79, 'INSPECT_NPC_TRADE'], [0x7a, 'BUY_ITEM'], [0x7b, 'SELL_ITEM'], [0x7c, 'CLOSE_NPC_TRADE'], [0x7d, 'REQUEST_TRADE'],
  [0x7e, 'INSPECT_TRADE'], [0x7f, 'ACCEPT_TRADE'], [0x80, 'REJECT_TRADE'], [0x82, 'USE_ITEM'], [0x83, 'USE_ITEM_WITH'],
  [0x84, 'USE_ON_CREATURE'], [0x85, 'ROTATE_ITEM'], [0x87, 'CLOSE_CONTAINER'], [0x88, 'UP_CONTAINER'], [0x89, 'EDIT_TEXT'],
  [0x8a, 'EDIT_LIST'], [0x8b, 'ON_WRAP_ITEM'], [0x8c, 'LOOK'], [0x8d, 'LOOK_CREATURE'], [0x8f, 'SEND_QUICK_LOOT'],
  [0x90, 'LOOT_CONTAINER'], [0x91, 'QUICK_LOOT_BLACK_WHITELIST'], [0x96, 'SAY'], [0x97, 'REQUEST_CHANNELS'],
  [0x98, 'JOIN_CHANNEL'], [0x99, 'LEAVE_CHANNEL'], [0x9a, 'OPEN_PRIVATE_CHANNEL'], [0x9b, 'OPEN_RULE_VIOLATION'],
  [0x9c, 'CLOSE_RULE_VIOLATION'], [0x9d, 'CANCEL_RULE_VIOLATION'], [0x9e, 'CLOSE_NPC_CHANNEL'], [0xa0, 'CHANGE_FIGHT_MODES'],
  [0xa1, 'ATTACK'], [0xa2, 'FOLLOW'], [0xa3, 'INVITE_TO_PARTY'], [0xa4, 'JOIN_PARTY'], [0xa5, 'REVOKE_INVITATION'],
  [0xa6, 'PASS_LEADERSHIP'], [0xa7, 'LEAVE_PARTY'], [0xa8, 'SHARE_EXPERIENCE'], [0xa9, 'DISBAND_PARTY'],
  [0xaa, 'OPEN_OWN_CHANNEL'], [0xab, 'INVITE_TO_OWN_CHANNEL'], [0xac, 'EXCLUDE_FROM_OWN_CHANNEL'],
  [0xad, 'CYCLOPEDIA_HOUSE_AUCTION'], [0xae, 'BOSSTIARY_REQUEST_INFO'], [0xaf, 'BOSSTIARY_REQUEST_SLOT_INFO'],
  [0xb0, 'BOSSTIARY_REQUEST_SLOT_ACTION'], [0xb1, 'REQUEST_HIGHSCORE'], [0xbe, 'CANCEL_ATTACK_AND_FOLLOW'],
  [0xbf, 'FORGE_ENTER'], [0xc0, 'FORGE_BROWSE_HISTORY'], [0xc9, 'UPDATE_TILE'], [0xca, 'REFRESH_CONTAINER'],
  [0xcb, 'BROWSE_FIELD'], [0xcc, 'SEEK_IN_CONTAINER'], [0xcd, 'INSPECTION_OBJECT'], [0xcf, 'REQUEST_BLESS'],
  [0xd0, 'REQUEST_TRACKER_QUEST_LOG'], [0xd2, 'REQUEST_OUTFIT'], [0xd3, 'CHANGE_OUTFIT'], [0xd4, 'MOUNT'],
  [0xd5, 'APPLY_IMBUEMENT'], [0xd6, 'CLEAR_IMBUEMENT'], [0xd7, 'CLOSE_IMBUING_WINDOW'], [0xd8, 'OPEN_REWARD_WALL'],
  [0xd9, 'OPEN_REWARD_HISTORY'], [0xda, 'GET_DAILY_REWARD'], [0xdc, 'ADD_VIP'], [0xdd, 'REMOVE_VIP'], [0xde, 'EDIT_VIP'],
  [0xdf, 'EDIT_VIP_GROUPS'], [0xe1, 'BESTIARY_REQUEST'], [0xe2, 'BESTIARY_REQUEST_OVERVIEW'], [0xe3, 'BESTIARY_REQUEST_SEARCH'],
  [0xe4, 'CYCLOPEDIA_SEND_BUY_CHARM_RUNE'], [0xe5, 'CYCLOPEDIA_REQUEST_CHARACTER_INFO'], [0xe6, 'BUG_REPORT'],
  [0xe7, 'RULE_VIOLATION'], [0xe8, 'DEBUG_REPORT'], [0xeb, 'PREY_ACTION'], [0xed, 'PREY_REQUEST'], [0xef, 'TRANSFER_COINS'],
  [0xf0, 'REQUEST_QUEST_LOG'], [0xf1, 'REQUEST_QUEST_LINE'], [0xf2, 'NEW_RULE_VIOLATION'], [0xf3, 'REQUEST_ITEM_INFO'],
  [0xf4, 'MARKET_LEAVE'], [0xf5, 'MARKET_BROWSE'], [0xf6, 'MARKET_CREATE'], [0xf7, 'MARKET_CANCEL'], [0xf8, 'MARKET_ACCEPT'],
  [0xf9, 'ANSWER_MODAL_DIALOG'], [0xfa, 'OPEN_STORE'], [0xfb, 'REQUEST_STORE_OFFERS'], [0xfc, 'BUY_STORE_OFFER'],
  [0xfd, 'OPEN_TRANSACTION_HISTORY'], [0xfe, 'REQUEST_TRANSACTION_HISTORY'],
]);

/** The binary login service (port 7171), both directions. 0x0A is an error before 10.76 and "retry" after it. */
export const LOGIN_S2C: ReadonlyMap<number, string> = new Map([
  [0x0a, 'LOGIN_ERROR_LEGACY'], [0x0b, 'LOGIN_ERROR'], [0x0c, 'TOKEN_SUCCESS'], [0x0d, 'TOKEN_ERROR'], [0x11, 'UPDATE'],
  [0x14, 'MOTD'], [0x1e, 'UPDATE_NEEDED'], [0x28, 'SESSION_KEY'], [0x64, 'CHARACTER_LIST'], [0x65, 'EXTENDED_CHARACTER_LIST'],
]);
export const LOGIN_C2S: ReadonlyMap<number, string> = new Map([[0x01, 'ENTER_ACCOUNT']]);

export function opcodeTable(service: Service, dir: Dir): ReadonlyMap<number, string> {
  if (service === 'login') return dir === 'c2s' ? LOGIN_C2S : LOGIN_S2C;
  return dir === 'c2s' ? GAME_C2S : GAME_S2C;
}

/** Every opcode's name, UNKNOWN_0x.. included, as an array: the name of each message is one indexed load (no Map lookup, no string built). */
const names = (m: ReadonlyMap<number, string>): readonly string[] => Array.from({ length: 256 }, (_, op) => m.get(op) ?? `UNKNOWN_${opHex(op)}`);
const NAMES = { loginC2s: names(LOGIN_C2S), loginS2c: names(LOGIN_S2C), gameC2s: names(GAME_C2S), gameS2c: names(GAME_S2C) };

/** The name of an opcode, or UNKNOWN_0x7A. */
export function opcodeName(service: Service, dir: Dir, code: number): string {
  const t = service === 'login' ? (dir === 'c2s' ? NAMES.loginC2s : NAMES.loginS2c) : dir === 'c2s' ? NAMES.gameC2s : NAMES.gameS2c;
  return t[code & 0xff]!;
}

/** Whether the opcode has a name for this service and direction. */
export function isKnownOpcode(service: Service, dir: Dir, code: number): boolean {
  return opcodeTable(service, dir).has(code & 0xff);
}
