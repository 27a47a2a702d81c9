/**
 * Field decoders for the opcodes whose layout is fixed (or fixed per
 * protocol version), from the writers in Canary's protocolgame.cpp /
 * protocollogin.cpp and the readers in OTClient's protocolgameparse.cpp.
 *
 * A decoder reads one message's fields and says whether it reached the end
 * of that message (`complete`): only then can the next message batched in
 * the same frame be named. Map data, creatures and items depend on the
 * client's assets, so the decoders of those opcodes read their fixed prefix
 * and stop.
 */
import { type Dir } from '../../../../src-shared/records';
import { type Service } from './opcodes';
import { type Reader } from './reader';
import { parseCharacterList } from './charlist';
import { redactSessionKey } from './redact';

export interface FieldContext {
  /** Protocol version (e.g. 1412), 0 when not known yet: decoders then assume the current one. */
  readonly version: number;
}

/**
 * A decoder writes the fields it reads into `out` (the message's entry in
 * the record's body, `op` already set) and returns whether it reached the
 * end of its message: no object per decoder call, no copy into the body.
 * On a FieldError the caller throws away what was written.
 */
export type Decoder = (r: Reader, c: FieldContext, out: Fields) => boolean;
export type Fields = Record<string, unknown>;

const DIRECTIONS = ['north', 'east', 'south', 'west', 'northeast', 'southeast', 'southwest', 'northwest'];
/** Auto-walk steps as OTClient sends them (1 = east … 8 = southeast, counter-clockwise). */
const WALK_STEPS = ['', 'east', 'northeast', 'north', 'northwest', 'west', 'southwest', 'south', 'southeast'];

/** The message ends after the fields read. */
const DONE = true;
/** Only the message's fixed prefix was read (the rest depends on the client's assets or version). */
const PREFIX = false;
const empty: Decoder = () => DONE;
const current = (c: FieldContext, from: number): boolean => c.version === 0 || c.version >= from;

/** Field names for error messages, built once (not per message). */
interface ThingLabels {
  readonly x: string;
  readonly y: string;
  readonly z: string;
  readonly creature: string;
  readonly stackpos: string;
}
const thingLabels = (what: string): ThingLabels => ({ x: `${what}.x`, y: `${what}.y`, z: `${what}.z`, creature: `${what} creature id`, stackpos: `${what} stackpos` });
const THING = thingLabels('thing');
const FROM = thingLabels('from');

/** A thing on the map: a position and stack position, or (x = 0xFFFF) a creature id. */
function thingRef(r: Reader, what: ThingLabels, out: Fields): Fields {
  const x = r.u16(what.x);
  if (x === 0xffff) out.creatureId = r.u32(what.creature);
  else {
    out.position = { x, y: r.u16(what.y), z: r.u8(what.z) };
    out.stackpos = r.u8(what.stackpos);
  }
  return out;
}

/** One-field messages. */
const u8Field = (key: string, what: string): Decoder => (r, _c, o) => {
  o[key] = r.u8(what);
  return DONE;
};
const u16Field = (key: string, what: string): Decoder => (r, _c, o) => {
  o[key] = r.u16(what);
  return DONE;
};
const u32Field = (key: string, what: string): Decoder => (r, _c, o) => {
  o[key] = r.u32(what);
  return DONE;
};
const stringField = (key: string, what: string): Decoder => (r, _c, o) => {
  o[key] = r.string(what);
  return DONE;
};

const TALK_PRIVATE = new Set([5, 16]); // PRIVATE_TO, PRIVATE_RED_TO
const TALK_CHANNEL = new Set([7, 14]); // CHANNEL_Y, CHANNEL_R1

/** Client → server, game service. */
const GAME_C2S: ReadonlyMap<number, Decoder> = new Map<number, Decoder>([
  [0x0f, empty],
  [0x14, empty],
  [0x1d, empty],
  [0x1e, empty],
  [
    0x32,
    (r, _c, o) => {
      o.extendedOpcode = r.u8('opcode');
      o.data = r.string('data');
      return DONE;
    },
  ],
  [
    0x64,
    (r, _c, o) => {
      const n = r.u8('step count');
      const steps: string[] = [];
      for (let i = 0; i < n; i++) {
        const s = r.u8('step');
        steps.push(WALK_STEPS[s] ?? `step ${s}`);
      }
      o.steps = steps;
      return DONE;
    },
  ],
  ...[0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6f, 0x70, 0x71, 0x72, 0xbe, 0x97, 0xd2].map((op): [number, Decoder] => [op, empty]),
  [
    0x78,
    (r, _c, o) => {
      o.from = r.position('from');
      o.itemId = r.u16('item id');
      o.fromStackpos = r.u8('stackpos');
      o.to = r.position('to');
      o.count = r.u8('count');
      return DONE;
    },
  ],
  [
    0x82,
    (r, _c, o) => {
      o.position = r.position();
      o.itemId = r.u16('item id');
      o.stackpos = r.u8('stackpos');
      o.index = r.u8('index');
      return DONE;
    },
  ],
  [
    0x83,
    (r, _c, o) => {
      o.from = r.position('from');
      o.itemId = r.u16('item id');
      o.fromStackpos = r.u8('stackpos');
      o.to = r.position('to');
      o.toItemId = r.u16('target item id');
      o.toStackpos = r.u8('target stackpos');
      return DONE;
    },
  ],
  [
    0x84,
    (r, _c, o) => {
      o.position = r.position();
      o.itemId = r.u16('item id');
      o.stackpos = r.u8('stackpos');
      o.creatureId = r.u32('creature id');
      return DONE;
    },
  ],
  [0x87, u8Field('containerId', 'container id')],
  [0x88, u8Field('containerId', 'container id')],
  [
    0x8c,
    (r, _c, o) => {
      o.position = r.position();
      o.itemId = r.u16('item id');
      o.stackpos = r.u8('stackpos');
      return DONE;
    },
  ],
  [0x8d, u32Field('creatureId', 'creature id')],
  [
    0x96,
    (r, _c, o) => {
      const mode = r.u8('talk mode');
      o.mode = mode;
      if (TALK_PRIVATE.has(mode)) o.receiver = r.string('receiver');
      else if (TALK_CHANNEL.has(mode)) o.channelId = r.u16('channel id');
      o.text = r.string('text');
      return DONE;
    },
  ],
  [0x98, u16Field('channelId', 'channel id')],
  [0x99, u16Field('channelId', 'channel id')],
  [0x9a, stringField('name', 'name')],
  [
    0xa0,
    (r, _c, o) => {
      o.fightMode = r.u8('fight mode');
      o.chaseMode = r.u8('chase mode');
      o.secureMode = r.u8('secure mode');
      if (r.left >= 1) o.pvpMode = r.u8('pvp mode');
      return DONE;
    },
  ],
  ...[0xa1, 0xa2].map(
    (op): [number, Decoder] => [
      op,
      (r, c, o) => {
        o.creatureId = r.u32('creature id');
        if (current(c, 860) && r.left >= 4) o.seq = r.u32('sequence');
        return DONE;
      },
    ],
  ),
]);

/** Server → client, game service. */
const GAME_S2C: ReadonlyMap<number, Decoder> = new Map<number, Decoder>([
  ...[0x0f, 0x1d, 0x1e].map((op): [number, Decoder] => [op, empty]),
  [0x14, stringField('message', 'message')],
  [0x15, stringField('message', 'message')],
  [
    0x16,
    (r, _c, o) => {
      o.message = r.string('message');
      o.retrySeconds = r.u8('retry');
      return DONE;
    },
  ],
  [
    0x17,
    (r, _c, o) => {
      o.playerId = r.u32('player id');
      o.beatMs = r.u16('beat duration');
      return PREFIX;
    },
  ],
  [0x18, u8Field('reason', 'reason')],
  [
    0x1f,
    (r, _c, o) => {
      o.timestamp = r.u32('timestamp');
      o.random = r.u8('random');
      return DONE;
    },
  ],
  [
    0x32,
    (r, _c, o) => {
      o.extendedOpcode = r.u8('opcode');
      o.data = r.string('data');
      return DONE;
    },
  ],
  [
    0x64,
    (r, _c, o) => {
      o.center = r.position('center');
      return PREFIX;
    },
  ],
  [
    0x69,
    (r, _c, o) => {
      o.position = r.position();
      return PREFIX;
    },
  ],
  [
    0x6a,
    (r, c, o) => {
      o.position = r.position();
      if (current(c, 841)) o.stackpos = r.u8('stackpos');
      return PREFIX;
    },
  ],
  [
    0x6b,
    (r, _c, o) => {
      thingRef(r, THING, o);
      return PREFIX;
    },
  ],
  [
    0x6c,
    (r, _c, o) => {
      thingRef(r, THING, o);
      return DONE;
    },
  ],
  [
    0x6d,
    (r, _c, o) => {
      o.from = thingRef(r, FROM, {});
      o.to = r.position('to');
      return DONE;
    },
  ],
  [0x6f, u8Field('containerId', 'container id')],
  [0x79, u8Field('slot', 'slot')],
  [
    0x82,
    (r, _c, o) => {
      o.intensity = r.u8('intensity');
      o.color = r.u8('color');
      return DONE;
    },
  ],
  [
    0x8c,
    (r, _c, o) => {
      o.creatureId = r.u32('creature id');
      o.healthPercent = r.u8('health percent');
      return DONE;
    },
  ],
  [
    0x8d,
    (r, _c, o) => {
      o.creatureId = r.u32('creature id');
      o.intensity = r.u8('intensity');
      o.color = r.u8('color');
      return DONE;
    },
  ],
  [
    0x8f,
    (r, _c, o) => {
      o.creatureId = r.u32('creature id');
      return PREFIX;
    },
  ],
  [
    0x90,
    (r, _c, o) => {
      o.creatureId = r.u32('creature id');
      o.skull = r.u8('skull');
      return DONE;
    },
  ],
  [
    0x91,
    (r, _c, o) => {
      o.creatureId = r.u32('creature id');
      o.shield = r.u8('shield');
      return DONE;
    },
  ],
  [
    0x92,
    (r, _c, o) => {
      o.creatureId = r.u32('creature id');
      o.unpassable = r.u8('unpassable') === 1;
      return DONE;
    },
  ],
  [
    0xa0,
    (r, c, o) => {
      if (current(c, 1300)) {
        o.health = r.u32('health');
        o.maxHealth = r.u32('max health');
      } else {
        o.health = r.u16('health');
        o.maxHealth = r.u16('max health');
      }
      return PREFIX;
    },
  ],
  [
    0xa3,
    (r, c, o) => {
      if (current(c, 860)) o.seq = r.u32('sequence');
      return DONE;
    },
  ],
  [
    0xaa,
    (r, _c, o) => {
      o.statementId = r.u32('statement id');
      o.name = r.string('name');
      return PREFIX;
    },
  ],
  [
    0xac,
    (r, _c, o) => {
      o.channelId = r.u16('channel id');
      o.name = r.string('name');
      return PREFIX;
    },
  ],
  [0xb3, u16Field('channelId', 'channel id')],
  [0xb4, textMessage],
  [
    0xb5,
    (r, _c, o) => {
      const d = r.u8('direction');
      o.direction = DIRECTIONS[d] ?? d;
      return DONE;
    },
  ],
  [0xb6, u16Field('delayMs', 'delay')],
  [0xbe, () => PREFIX],
  [0xbf, () => PREFIX],
  [
    0xd3,
    (r, _c, o) => {
      o.playerId = r.u32('player id');
      o.status = r.u8('status');
      return DONE;
    },
  ],
  [0xd4, u32Field('playerId', 'player id')],
  [
    0xef,
    (r, _c, o) => {
      o.hour = r.u8('hour');
      o.minute = r.u8('minute');
      return DONE;
    },
  ],
]);

/** 0xB4 in the current numbering (Canary MessageClasses): some modes carry a position and values before the text. */
function textMessage(r: Reader, c: FieldContext, o: Fields): boolean {
  const mode = r.u8('message mode');
  o.mode = mode;
  if (!current(c, 1200)) return PREFIX;
  switch (mode) {
    case 23: // damage dealt
    case 24: // damage received
    case 27: // damage others
      o.position = r.position();
      o.primary = { value: r.u32('primary value'), color: r.u8('primary color') };
      o.secondary = { value: r.u32('secondary value'), color: r.u8('secondary color') };
      break;
    case 25: // healed
    case 28: // healed others
      o.position = r.position();
      o.primary = { value: r.u32('value'), color: r.u8('color') };
      break;
    case 26: // experience
    case 29: // experience others
      o.position = r.position();
      o.primary = { value: r.u64('value'), color: r.u8('color') };
      break;
    case 33: // guild
    case 34: // party management
    case 35: // party
      o.channelId = r.u16('channel id');
      break;
    default:
      break;
  }
  o.text = r.string('text');
  return DONE;
}

/** Server → client, login service. */
const LOGIN_S2C: ReadonlyMap<number, Decoder> = new Map<number, Decoder>([
  [0x0a, stringField('message', 'message')],
  [0x0b, stringField('message', 'message')],
  [0x0c, u8Field('value', 'value')],
  [0x0d, u8Field('value', 'value')],
  [0x11, stringField('signature', 'signature')],
  [0x14, stringField('motd', 'motd')],
  [0x1e, empty],
  [
    0x28,
    (r, _c, o) => {
      o.sessionKey = redactSessionKey(r.string('session key'));
      return DONE;
    },
  ],
  [
    0x64,
    (r, c, o) => {
      Object.assign(o, parseCharacterList(r, c.version).fields);
      return DONE;
    },
  ],
]);

/** Decoders by opcode (an array: one indexed load per message instead of a Map lookup). */
const byOpcode = (m: ReadonlyMap<number, Decoder>): readonly (Decoder | undefined)[] => Array.from({ length: 256 }, (_, op) => m.get(op));
const TABLES = { loginS2c: byOpcode(LOGIN_S2C), gameC2s: byOpcode(GAME_C2S), gameS2c: byOpcode(GAME_S2C) };

export function fieldDecoder(service: Service, dir: Dir, code: number): Decoder | undefined {
  if (service === 'login') return dir === 's2c' ? TABLES.loginS2c[code & 0xff] : undefined;
  return (dir === 'c2s' ? TABLES.gameC2s : TABLES.gameS2c)[code & 0xff];
}
