-- Wireshark dissector for the OT game protocol (OTClient <-> Canary/TFS)
-- as otbridge captures it: PDUs named "otgame" in pcapng files of link type
-- 252 (Exported PDUs), one per frame the proxy saw.
--
--   wireshark -X lua_script:tools/wireshark/otgame.lua capture.pcapng
--   tshark -X lua_script:tools/wireshark/otgame.lua -r capture.pcapng -Y otgame
--
-- The PDU (src-main/proxy/dialects/otgame/pdu.ts) is an 8-byte header —
-- version, flag bits, service, sequence — and then either the decoded
-- message (decrypted, inflated: opcode first) or, when the proxy could not
-- decrypt, the frame as it crossed the wire. Opcodes are named for both
-- directions; a few common messages get their fields. Raw TCP captures of
-- the game port are not decoded: without the XTEA key from the login packet
-- there is nothing to read, which is what the proxy is for.
--
-- Lua 5.2-5.4 (Wireshark 3.6+): no bit operators, arithmetic only.

local otgame = Proto("otgame", "OT game protocol (otbridge)")

-- Opcode names: the same tables as src-main/proxy/dialects/otgame/opcodes.ts (a test compares them).
local GAME_S2C = {
  [0x0a] = "LOGIN_OR_PENDING_STATE",
  [0x0b] = "GM_ACTIONS",
  [0x0f] = "ENTER_GAME",
  [0x11] = "UPDATE_NEEDED",
  [0x14] = "LOGIN_ERROR",
  [0x15] = "LOGIN_ADVICE",
  [0x16] = "LOGIN_WAIT",
  [0x17] = "LOGIN_SUCCESS",
  [0x18] = "SESSION_END",
  [0x19] = "STORE_BUTTON_INDICATORS",
  [0x1a] = "BUG_REPORT",
  [0x1d] = "PING_BACK",
  [0x1e] = "PING",
  [0x1f] = "CHALLENGE",
  [0x28] = "DEATH",
  [0x29] = "SUPPLY_STASH",
  [0x2a] = "SPECIAL_CONTAINER",
  [0x2b] = "PARTY_ANALYZER",
  [0x32] = "EXTENDED_OPCODE",
  [0x33] = "CHANGE_MAP_AWARE_RANGE",
  [0x34] = "ATTACHED_EFFECT",
  [0x35] = "DETACH_EFFECT",
  [0x36] = "CREATURE_SHADER",
  [0x37] = "MAP_SHADER",
  [0x38] = "CREATURE_TYPING",
  [0x3c] = "ATTACHED_PAPERDOLL",
  [0x3d] = "DETACH_PAPERDOLL",
  [0x43] = "FEATURES",
  [0x4b] = "FLOOR_DESCRIPTION",
  [0x5c] = "WEAPON_PROFICIENCY_EXPERIENCE",
  [0x5d] = "IMBUEMENT_DURATIONS",
  [0x5e] = "PASSIVE_COOLDOWN",
  [0x61] = "BOSSTIARY_DATA",
  [0x62] = "BOSSTIARY_SLOTS",
  [0x63] = "SEND_CLIENT_CHECK",
  [0x64] = "MAP_DESCRIPTION",
  [0x65] = "MAP_TOP_ROW",
  [0x66] = "MAP_RIGHT_ROW",
  [0x67] = "MAP_BOTTOM_ROW",
  [0x68] = "MAP_LEFT_ROW",
  [0x69] = "UPDATE_TILE",
  [0x6a] = "ADD_ON_MAP",
  [0x6b] = "UPDATE_ON_MAP",
  [0x6c] = "REMOVE_FROM_MAP",
  [0x6d] = "MOVE_CREATURE",
  [0x6e] = "OPEN_CONTAINER",
  [0x6f] = "CLOSE_CONTAINER",
  [0x70] = "CREATE_CONTAINER",
  [0x71] = "CHANGE_IN_CONTAINER",
  [0x72] = "DELETE_IN_CONTAINER",
  [0x73] = "BOSSTIARY_INFO",
  [0x75] = "TAKE_SCREENSHOT",
  [0x76] = "CYCLOPEDIA_ITEM_DETAIL",
  [0x78] = "SET_INVENTORY",
  [0x79] = "DELETE_INVENTORY",
  [0x7a] = "OPEN_NPC_TRADE",
  [0x7b] = "PLAYER_GOODS",
  [0x7c] = "CLOSE_NPC_TRADE",
  [0x7d] = "OWN_TRADE",
  [0x7e] = "COUNTER_TRADE",
  [0x7f] = "CLOSE_TRADE",
  [0x82] = "AMBIENT",
  [0x83] = "MAGIC_EFFECT",
  [0x84] = "TEXT_EFFECT",
  [0x85] = "MISSILE_EFFECT",
  [0x86] = "ITEM_CLASSES",
  [0x87] = "TRAPPERS",
  [0x88] = "BROWSE_FORGE_HISTORY",
  [0x89] = "CLOSE_FORGE_WINDOW",
  [0x8a] = "FORGE_RESULT",
  [0x8b] = "CREATURE_DATA",
  [0x8c] = "CREATURE_HEALTH",
  [0x8d] = "CREATURE_LIGHT",
  [0x8e] = "CREATURE_OUTFIT",
  [0x8f] = "CREATURE_SPEED",
  [0x90] = "CREATURE_SKULL",
  [0x91] = "CREATURE_PARTY",
  [0x92] = "CREATURE_UNPASS",
  [0x93] = "CREATURE_MARKS",
  [0x94] = "PLAYER_HELPERS",
  [0x95] = "CREATURE_TYPE",
  [0x96] = "EDIT_TEXT",
  [0x97] = "EDIT_LIST",
  [0x98] = "SEND_GAME_NEWS",
  [0x9b] = "SEND_BLESS_DIALOG",
  [0x9c] = "BLESSINGS",
  [0x9d] = "PRESET",
  [0x9e] = "PREMIUM_TRIGGER",
  [0x9f] = "PLAYER_DATA_BASIC",
  [0xa0] = "PLAYER_STATS",
  [0xa1] = "PLAYER_SKILLS",
  [0xa2] = "PLAYER_STATE",
  [0xa3] = "CLEAR_TARGET",
  [0xa4] = "SPELL_DELAY",
  [0xa5] = "SPELL_GROUP_DELAY",
  [0xa6] = "MULTI_USE_DELAY",
  [0xa7] = "PLAYER_MODES",
  [0xa8] = "SET_STORE_DEEP_LINK",
  [0xa9] = "SEND_RESTING_AREA_STATE",
  [0xaa] = "CREATURE_SAY",
  [0xab] = "CHANNELS",
  [0xac] = "OPEN_CHANNEL",
  [0xad] = "OPEN_PRIVATE_CHANNEL",
  [0xae] = "RULE_VIOLATION_CHANNEL",
  [0xaf] = "RULE_VIOLATION_REMOVE",
  [0xb0] = "RULE_VIOLATION_CANCEL",
  [0xb1] = "RULE_VIOLATION_LOCK",
  [0xb2] = "OPEN_OWN_CHANNEL",
  [0xb3] = "CLOSE_CHANNEL",
  [0xb4] = "TEXT_MESSAGE",
  [0xb5] = "CANCEL_WALK",
  [0xb6] = "WALK_WAIT",
  [0xb7] = "UNJUSTIFIED_STATS",
  [0xb8] = "PVP_SITUATIONS",
  [0xb9] = "BESTIARY_REFRESH_TRACKER",
  [0xba] = "TASK_HUNTING_BASIC_DATA",
  [0xbb] = "TASK_HUNTING_DATA",
  [0xbd] = "BOSSTIARY_COOLDOWN_TIMER",
  [0xbe] = "FLOOR_CHANGE_UP",
  [0xbf] = "FLOOR_CHANGE_DOWN",
  [0xc0] = "LOOT_CONTAINERS",
  [0xc1] = "MONK_DATA",
  [0xc3] = "CYCLOPEDIA_HOUSE_AUCTION_MESSAGE",
  [0xc4] = "WEAPON_PROFICIENCY_INFO",
  [0xc6] = "CYCLOPEDIA_HOUSES_INFO",
  [0xc7] = "CYCLOPEDIA_HOUSE_LIST",
  [0xc8] = "CHOOSE_OUTFIT",
  [0xcc] = "SEND_UPDATE_IMPACT_TRACKER",
  [0xcd] = "SEND_ITEMS_PRICE",
  [0xce] = "SEND_UPDATE_SUPPLY_TRACKER",
  [0xcf] = "SEND_UPDATE_LOOT_TRACKER",
  [0xd0] = "QUEST_TRACKER",
  [0xd1] = "KILL_TRACKER",
  [0xd2] = "VIP_ADD",
  [0xd3] = "VIP_STATE",
  [0xd4] = "VIP_LOGOUT",
  [0xd5] = "BESTIARY_RACES",
  [0xd6] = "BESTIARY_OVERVIEW",
  [0xd7] = "BESTIARY_MONSTER_DATA",
  [0xd8] = "BESTIARY_CHARMS_DATA",
  [0xd9] = "BESTIARY_ENTRY_CHANGED",
  [0xda] = "CYCLOPEDIA_CHARACTER_INFO_DATA",
  [0xdc] = "TUTORIAL_HINT",
  [0xdd] = "AUTOMAP_FLAG",
  [0xde] = "SEND_DAILY_REWARD_COLLECTION_STATE",
  [0xdf] = "COIN_BALANCE",
  [0xe0] = "STORE_ERROR",
  [0xe1] = "REQUEST_PURCHASE_DATA",
  [0xe2] = "SEND_OPEN_REWARD_WALL",
  [0xe4] = "SEND_DAILY_REWARD",
  [0xe5] = "SEND_REWARD_HISTORY",
  [0xe6] = "SEND_PREY_FREE_REROLLS",
  [0xe7] = "SEND_PREY_TIME_LEFT",
  [0xe8] = "SEND_PREY_DATA",
  [0xe9] = "SEND_PREY_REROLL_PRICE",
  [0xea] = "SEND_SHOW_DESCRIPTION",
  [0xeb] = "SEND_IMBUEMENT_WINDOW",
  [0xec] = "SEND_CLOSE_IMBUEMENT_WINDOW",
  [0xed] = "SEND_ERROR",
  [0xee] = "RESOURCE_BALANCE",
  [0xef] = "WORLD_TIME",
  [0xf0] = "QUEST_LOG",
  [0xf1] = "QUEST_LINE",
  [0xf2] = "COIN_BALANCE_UPDATING",
  [0xf3] = "CHANNEL_EVENT",
  [0xf4] = "ITEM_INFO",
  [0xf5] = "PLAYER_INVENTORY",
  [0xf6] = "MARKET_ENTER",
  [0xf7] = "MARKET_LEAVE",
  [0xf8] = "MARKET_DETAIL",
  [0xf9] = "MARKET_BROWSE",
  [0xfa] = "MODAL_DIALOG",
  [0xfb] = "STORE",
  [0xfc] = "STORE_OFFERS",
  [0xfd] = "STORE_TRANSACTION_HISTORY",
  [0xfe] = "STORE_COMPLETE_PURCHASE",
}

local GAME_C2S = {
  [0x01] = "ENTER_ACCOUNT",
  [0x0a] = "GAME_LOGIN",
  [0x0f] = "ENTER_GAME",
  [0x14] = "LOGOUT",
  [0x1d] = "PING",
  [0x1e] = "PING_BACK",
  [0x28] = "USE_STASH",
  [0x2a] = "BESTIARY_TRACKER_STATUS",
  [0x2b] = "PARTY_ANALYZER_ACTION",
  [0x32] = "EXTENDED_OPCODE",
  [0x33] = "CHANGE_MAP_AWARE_RANGE",
  [0x60] = "IMBUEMENT_DURATIONS",
  [0x64] = "AUTO_WALK",
  [0x65] = "WALK_NORTH",
  [0x66] = "WALK_EAST",
  [0x67] = "WALK_SOUTH",
  [0x68] = "WALK_WEST",
  [0x69] = "STOP",
  [0x6a] = "WALK_NORTH_EAST",
  [0x6b] = "WALK_SOUTH_EAST",
  [0x6c] = "WALK_SOUTH_WEST",
  [0x6d] = "WALK_NORTH_WEST",
  [0x6f] = "TURN_NORTH",
  [0x70] = "TURN_EAST",
  [0x71] = "TURN_SOUTH",
  [0x72] = "TURN_WEST",
  [0x73] = "GM_TELEPORT",
  [0x77] = "EQUIP_ITEM",
  [0x78] = "MOVE_THING",
  [0x79] = "INSPECT_NPC_TRADE",
  [0x7a] = "BUY_ITEM",
  [0x7b] = "SELL_ITEM",
  [0x7c] = "CLOSE_NPC_TRADE",
  [0x7d] = "REQUEST_TRADE",
  [0x7e] = "INSPECT_TRADE",
  [0x7f] = "ACCEPT_TRADE",
  [0x80] = "REJECT_TRADE",
  [0x82] = "USE_ITEM",
  [0x83] = "USE_ITEM_WITH",
  [0x84] = "USE_ON_CREATURE",
  [0x85] = "ROTATE_ITEM",
  [0x87] = "CLOSE_CONTAINER",
  [0x88] = "UP_CONTAINER",
  [0x89] = "EDIT_TEXT",
  [0x8a] = "EDIT_LIST",
  [0x8b] = "ON_WRAP_ITEM",
  [0x8c] = "LOOK",
  [0x8d] = "LOOK_CREATURE",
  [0x8f] = "SEND_QUICK_LOOT",
  [0x90] = "LOOT_CONTAINER",
  [0x91] = "QUICK_LOOT_BLACK_WHITELIST",
  [0x96] = "SAY",
  [0x97] = "REQUEST_CHANNELS",
  [0x98] = "JOIN_CHANNEL",
  [0x99] = "LEAVE_CHANNEL",
  [0x9a] = "OPEN_PRIVATE_CHANNEL",
  [0x9b] = "OPEN_RULE_VIOLATION",
  [0x9c] = "CLOSE_RULE_VIOLATION",
  [0x9d] = "CANCEL_RULE_VIOLATION",
  [0x9e] = "CLOSE_NPC_CHANNEL",
  [0xa0] = "CHANGE_FIGHT_MODES",
  [0xa1] = "ATTACK",
  [0xa2] = "FOLLOW",
  [0xa3] = "INVITE_TO_PARTY",
  [0xa4] = "JOIN_PARTY",
  [0xa5] = "REVOKE_INVITATION",
  [0xa6] = "PASS_LEADERSHIP",
  [0xa7] = "LEAVE_PARTY",
  [0xa8] = "SHARE_EXPERIENCE",
  [0xa9] = "DISBAND_PARTY",
  [0xaa] = "OPEN_OWN_CHANNEL",
  [0xab] = "INVITE_TO_OWN_CHANNEL",
  [0xac] = "EXCLUDE_FROM_OWN_CHANNEL",
  [0xad] = "CYCLOPEDIA_HOUSE_AUCTION",
  [0xae] = "BOSSTIARY_REQUEST_INFO",
  [0xaf] = "BOSSTIARY_REQUEST_SLOT_INFO",
  [0xb0] = "BOSSTIARY_REQUEST_SLOT_ACTION",
  [0xb1] = "REQUEST_HIGHSCORE",
  [0xbe] = "CANCEL_ATTACK_AND_FOLLOW",
  [0xbf] = "FORGE_ENTER",
  [0xc0] = "FORGE_BROWSE_HISTORY",
  [0xc9] = "UPDATE_TILE",
  [0xca] = "REFRESH_CONTAINER",
  [0xcb] = "BROWSE_FIELD",
  [0xcc] = "SEEK_IN_CONTAINER",
  [0xcd] = "INSPECTION_OBJECT",
  [0xcf] = "REQUEST_BLESS",
  [0xd0] = "REQUEST_TRACKER_QUEST_LOG",
  [0xd2] = "REQUEST_OUTFIT",
  [0xd3] = "CHANGE_OUTFIT",
  [0xd4] = "MOUNT",
  [0xd5] = "APPLY_IMBUEMENT",
  [0xd6] = "CLEAR_IMBUEMENT",
  [0xd7] = "CLOSE_IMBUING_WINDOW",
  [0xd8] = "OPEN_REWARD_WALL",
  [0xd9] = "OPEN_REWARD_HISTORY",
  [0xda] = "GET_DAILY_REWARD",
  [0xdc] = "ADD_VIP",
  [0xdd] = "REMOVE_VIP",
  [0xde] = "EDIT_VIP",
  [0xdf] = "EDIT_VIP_GROUPS",
  [0xe1] = "BESTIARY_REQUEST",
  [0xe2] = "BESTIARY_REQUEST_OVERVIEW",
  [0xe3] = "BESTIARY_REQUEST_SEARCH",
  [0xe4] = "CYCLOPEDIA_SEND_BUY_CHARM_RUNE",
  [0xe5] = "CYCLOPEDIA_REQUEST_CHARACTER_INFO",
  [0xe6] = "BUG_REPORT",
  [0xe7] = "RULE_VIOLATION",
  [0xe8] = "DEBUG_REPORT",
  [0xeb] = "PREY_ACTION",
  [0xed] = "PREY_REQUEST",
  [0xef] = "TRANSFER_COINS",
  [0xf0] = "REQUEST_QUEST_LOG",
  [0xf1] = "REQUEST_QUEST_LINE",
  [0xf2] = "NEW_RULE_VIOLATION",
  [0xf3] = "REQUEST_ITEM_INFO",
  [0xf4] = "MARKET_LEAVE",
  [0xf5] = "MARKET_BROWSE",
  [0xf6] = "MARKET_CREATE",
  [0xf7] = "MARKET_CANCEL",
  [0xf8] = "MARKET_ACCEPT",
  [0xf9] = "ANSWER_MODAL_DIALOG",
  [0xfa] = "OPEN_STORE",
  [0xfb] = "REQUEST_STORE_OFFERS",
  [0xfc] = "BUY_STORE_OFFER",
  [0xfd] = "OPEN_TRANSACTION_HISTORY",
  [0xfe] = "REQUEST_TRANSACTION_HISTORY",
}

local LOGIN_S2C = {
  [0x0a] = "LOGIN_ERROR_LEGACY",
  [0x0b] = "LOGIN_ERROR",
  [0x0c] = "TOKEN_SUCCESS",
  [0x0d] = "TOKEN_ERROR",
  [0x11] = "UPDATE",
  [0x14] = "MOTD",
  [0x1e] = "UPDATE_NEEDED",
  [0x28] = "SESSION_KEY",
  [0x64] = "CHARACTER_LIST",
  [0x65] = "EXTENDED_CHARACTER_LIST",
}

local LOGIN_C2S = {
  [0x01] = "ENTER_ACCOUNT",
}

local SERVICES = { [0] = "unknown", [1] = "login", [2] = "game" }

local f = {
  version = ProtoField.uint8("otgame.pdu_version", "PDU version", base.DEC),
  bits = ProtoField.uint8("otgame.bits", "Flags", base.HEX),
  s2c = ProtoField.bool("otgame.s2c", "Server to client", 8, nil, 0x01),
  decoded = ProtoField.bool("otgame.decoded", "Decoded by the proxy", 8, nil, 0x02),
  compressed = ProtoField.bool("otgame.compressed", "Compressed on the wire (DEFLATE)", 8, nil, 0x04),
  sequenced = ProtoField.bool("otgame.sequenced", "Sequence number", 8, nil, 0x08),
  adler32 = ProtoField.bool("otgame.adler32", "Adler-32 checksum", 8, nil, 0x10),
  xtea = ProtoField.bool("otgame.xtea", "XTEA", 8, nil, 0x20),
  blocks = ProtoField.bool("otgame.blocks", "14.05 block layout", 8, nil, 0x40),
  error = ProtoField.bool("otgame.error", "Decode error flagged", 8, nil, 0x80),
  service = ProtoField.uint8("otgame.service", "Service", base.DEC, SERVICES),
  seq = ProtoField.uint32("otgame.seq", "Sequence", base.DEC),
  dir = ProtoField.string("otgame.dir", "Direction"),
  opcode = ProtoField.uint8("otgame.opcode", "Opcode", base.HEX),
  type = ProtoField.string("otgame.type", "Type"),
  payload = ProtoField.bytes("otgame.payload", "Message"),
  wire = ProtoField.bytes("otgame.wire", "Frame as on the wire (not decrypted)"),
  pos_x = ProtoField.uint16("otgame.pos.x", "x", base.DEC),
  pos_y = ProtoField.uint16("otgame.pos.y", "y", base.DEC),
  pos_z = ProtoField.uint8("otgame.pos.z", "z", base.DEC),
  creature = ProtoField.uint32("otgame.creature_id", "Creature id", base.HEX),
  stackpos = ProtoField.uint8("otgame.stackpos", "Stack position", base.DEC),
  item = ProtoField.uint16("otgame.item_id", "Item id", base.DEC),
  percent = ProtoField.uint8("otgame.health_percent", "Health %", base.DEC),
  mode = ProtoField.uint8("otgame.mode", "Mode", base.DEC),
  text = ProtoField.string("otgame.text", "Text"),
  name = ProtoField.string("otgame.name", "Name"),
  ext_opcode = ProtoField.uint8("otgame.ext_opcode", "Extended opcode", base.DEC),
  timestamp = ProtoField.uint32("otgame.challenge.timestamp", "Challenge timestamp", base.DEC),
  random = ProtoField.uint8("otgame.challenge.random", "Challenge random", base.DEC),
  rest = ProtoField.bytes("otgame.rest", "Not decoded"),
}
otgame.fields = {
  f.version, f.bits, f.s2c, f.decoded, f.compressed, f.sequenced, f.adler32, f.xtea, f.blocks, f.error,
  f.service, f.seq, f.dir, f.opcode, f.type, f.payload, f.wire,
  f.pos_x, f.pos_y, f.pos_z, f.creature, f.stackpos, f.item, f.percent, f.mode, f.text, f.name,
  f.ext_opcode, f.timestamp, f.random, f.rest,
}

local function bit(v, n) return math.floor(v / 2 ^ n) % 2 == 1 end

-- Readers over the message: each returns the next offset, or nil when the message is too short.
local function position(tvb, tree, o, label)
  if o + 5 > tvb:len() then return nil end
  local x, y, z = tvb(o, 2):le_uint(), tvb(o + 2, 2):le_uint(), tvb(o + 4, 1):uint()
  local t = tree:add(otgame, tvb(o, 5), string.format("%s: (%d, %d, %d)", label, x, y, z))
  t:add_le(f.pos_x, tvb(o, 2))
  t:add_le(f.pos_y, tvb(o + 2, 2))
  t:add(f.pos_z, tvb(o + 4, 1))
  return o + 5
end

local function str(tvb, tree, o, field)
  if o + 2 > tvb:len() then return nil end
  local n = tvb(o, 2):le_uint()
  if o + 2 + n > tvb:len() then return nil end
  if n == 0 then tree:add(field, tvb(o, 2), "") else tree:add(field, tvb(o + 2, n)) end
  return o + 2 + n
end

local function u32(tvb, tree, o, field)
  if o + 4 > tvb:len() then return nil end
  tree:add_le(field, tvb(o, 4))
  return o + 4
end

local function u8(tvb, tree, o, field)
  if o + 1 > tvb:len() then return nil end
  tree:add(field, tvb(o, 1))
  return o + 1
end

local function u16(tvb, tree, o, field)
  if o + 2 > tvb:len() then return nil end
  tree:add_le(field, tvb(o, 2))
  return o + 2
end

-- A thing on the map: a position and stack position, or x = 0xFFFF and a creature id.
local function thing(tvb, tree, o, label)
  if o + 2 > tvb:len() then return nil end
  if tvb(o, 2):le_uint() == 0xFFFF then return u32(tvb, tree, o + 2, f.creature) end
  o = position(tvb, tree, o, label)
  return o and u8(tvb, tree, o, f.stackpos)
end

-- Field decoders by direction and opcode (service "game"); o points after the opcode.
local S2C = {
  [0x14] = function(tvb, t, o) return str(tvb, t, o, f.text) end,
  [0x1F] = function(tvb, t, o) o = u32(tvb, t, o, f.timestamp); return o and u8(tvb, t, o, f.random) end,
  [0x32] = function(tvb, t, o) o = u8(tvb, t, o, f.ext_opcode); return o and str(tvb, t, o, f.text) end,
  [0x64] = function(tvb, t, o) return position(tvb, t, o, "Centre") end,
  [0x6D] = function(tvb, t, o) o = thing(tvb, t, o, "From"); return o and position(tvb, t, o, "To") end,
  [0x8C] = function(tvb, t, o) o = u32(tvb, t, o, f.creature); return o and u8(tvb, t, o, f.percent) end,
  [0xAA] = function(tvb, t, o) o = u32(tvb, t, o, f.creature); return o and str(tvb, t, o, f.name) end,
  [0xB4] = function(tvb, t, o)
    o = u8(tvb, t, o, f.mode)
    if not o then return nil end
    local mode = tvb(o - 1, 1):uint()
    -- Modes with a position and values before the text (Canary's MessageClasses); the rest is text only.
    if mode == 23 or mode == 24 or mode == 27 or mode == 25 or mode == 28 or mode == 26 or mode == 29 then return nil end
    if mode >= 33 and mode <= 35 then o = o + 2 end
    return str(tvb, t, o, f.text)
  end,
}
local C2S = {
  [0x32] = S2C[0x32],
  [0x8C] = function(tvb, t, o) o = position(tvb, t, o, "Position"); o = o and u16(tvb, t, o, f.item); return o and u8(tvb, t, o, f.stackpos) end,
  [0x8D] = function(tvb, t, o) return u32(tvb, t, o, f.creature) end,
  [0x96] = function(tvb, t, o)
    o = u8(tvb, t, o, f.mode)
    if not o then return nil end
    local mode = tvb(o - 1, 1):uint()
    if mode == 5 or mode == 16 then o = str(tvb, t, o, f.name) elseif mode == 7 or mode == 14 then o = o + 2 end
    return o and str(tvb, t, o, f.text)
  end,
  [0xA1] = function(tvb, t, o) return u32(tvb, t, o, f.creature) end,
  [0xA2] = function(tvb, t, o) return u32(tvb, t, o, f.creature) end,
}

function otgame.dissector(tvb, pinfo, tree)
  if tvb:len() < 8 or tvb(0, 1):uint() ~= 1 then return 0 end
  pinfo.cols.protocol = "OTGAME"
  local bits = tvb(1, 1):uint()
  local s2c = bit(bits, 0)
  local service = tvb(2, 1):uint()
  local seq = tvb(4, 4):le_uint()
  local root = tree:add(otgame, tvb(), "OT game protocol")
  root:add(f.version, tvb(0, 1))
  local b = root:add(f.bits, tvb(1, 1))
  for _, fl in ipairs({ f.s2c, f.decoded, f.compressed, f.sequenced, f.adler32, f.xtea, f.blocks, f.error }) do b:add(fl, tvb(1, 1)) end
  root:add(f.service, tvb(2, 1))
  local dir = s2c and "s2c" or "c2s"
  root:add(f.dir, dir)
  if bit(bits, 3) then root:add_le(f.seq, tvb(4, 4)) end
  local notes = {}
  if bit(bits, 3) then notes[#notes + 1] = "seq " .. seq end
  if bit(bits, 2) then notes[#notes + 1] = "DEFLATE" end
  if bit(bits, 7) then notes[#notes + 1] = "ERROR" end
  local suffix = #notes > 0 and (" [" .. table.concat(notes, ", ") .. "]") or ""
  if tvb:len() == 8 then
    pinfo.cols.info = dir .. " (empty)" .. suffix
    return tvb:len()
  end
  local body = tvb(8)
  if not bit(bits, 1) then
    root:add(f.wire, body)
    root:add(f.type, "ENCRYPTED")
    pinfo.cols.info = string.format("%s ENCRYPTED, %d bytes%s", dir, body:len(), suffix)
    return tvb:len()
  end
  local msg = body:tvb()
  root:add(f.payload, body)
  local op = msg(0, 1):uint()
  local names = service == 1 and (s2c and LOGIN_S2C or LOGIN_C2S) or (s2c and GAME_S2C or GAME_C2S)
  local name = names[op] or string.format("UNKNOWN_0x%02X", op)
  local m = root:add(otgame, msg(), string.format("%s (0x%02X)", name, op))
  m:add(f.opcode, msg(0, 1))
  m:add(f.type, name)
  local decoders = service == 1 and {} or (s2c and S2C or C2S)
  local decode = decoders[op]
  local stop = 1
  if decode then stop = decode(msg, m, 1) or msg:len() end
  if stop < msg:len() then m:add(f.rest, msg(stop)) end
  pinfo.cols.info = string.format("%s %s (0x%02X)%s", dir, name, op, suffix)
  return tvb:len()
end
