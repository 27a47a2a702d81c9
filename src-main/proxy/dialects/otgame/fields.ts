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
 * A decoder returns the fields it read; whether it reached the end of its
 * message is left in `lastComplete` (set by done/prefix) rather than in a
 * wrapper object — one allocation less per message on the hot path.
 */
export let lastComplete = true;


type Decoder = (r: Reader, c: FieldContext) => Record<string, unknown>;

const DIRECTIONS = ['north', 'east', 'south', 'west', 'northeast', 'southeast', 'southwest', 'northwest'];
/** Auto-walk steps as OTClient sends them (1 = east … 8 = southeast, counter-clockwise). */
const WALK_STEPS = ['', 'east', 'northeast', 'north', 'northwest', 'west', 'southwest', 'south', 'southeast'];

const done = (fields: Record<string, unknown>): Record<string, unknown> => {
  lastComplete = true;
  return fields;
};
const prefix = (fields: Record<string, unknown>): Record<string, unknown> => {
  lastComplete = false;
  return fields;
};
const empty: Decoder = () => done({});
const current = (c: FieldContext, from: number): boolean => c.version === 0 || c.version >= from;

/** A thing on the map: a position and stack position, or (x = 0xFFFF) a creature id. */
function thingRef(r: Reader, what: string): Record<string, unknown> {
  const x = r.u16(`${what}.x`);
  if (x === 0xffff) return { creatureId: r.u32(`${what} creature id`) };
  return { position: { x, y: r.u16(`${what}.y`), z: r.u8(`${what}.z`) }, stackpos: r.u8(`${what} stackpos`) };
}

const TALK_PRIVATE = new Set([5, 16]); // PRIVATE_TO, PRIVATE_RED_TO
const TALK_CHANNEL = new Set([7, 14]); // CHANNEL_Y, CHANNEL_R1

/** Client → server, game service. */
const GAME_C2S: ReadonlyMap<number, Decoder> = new Map<number, Decoder>([
  [0x0f, empty],
  [0x14, empty],
  [0x1d, empty],
  [0x1e, empty],
  [0x32, (r) => done({ extendedOpcode: r.u8('opcode'), data: r.string('data') })],
  [
    0x64,
    (r) => {
      const n = r.u8('step count');
      const steps: string[] = [];
      for (let i = 0; i < n; i++) {
        const s = r.u8('step');
        steps.push(WALK_STEPS[s] ?? `step ${s}`);
      }
      return done({ steps });
    },
  ],
  ...[0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6f, 0x70, 0x71, 0x72, 0xbe, 0x97, 0xd2].map((op): [number, Decoder] => [op, empty]),
  [0x78, (r) => done({ from: r.position('from'), itemId: r.u16('item id'), fromStackpos: r.u8('stackpos'), to: r.position('to'), count: r.u8('count') })],
  [0x82, (r) => done({ position: r.position(), itemId: r.u16('item id'), stackpos: r.u8('stackpos'), index: r.u8('index') })],
  [
    0x83,
    (r) =>
      done({
        from: r.position('from'),
        itemId: r.u16('item id'),
        fromStackpos: r.u8('stackpos'),
        to: r.position('to'),
        toItemId: r.u16('target item id'),
        toStackpos: r.u8('target stackpos'),
      }),
  ],
  [0x84, (r) => done({ position: r.position(), itemId: r.u16('item id'), stackpos: r.u8('stackpos'), creatureId: r.u32('creature id') })],
  [0x87, (r) => done({ containerId: r.u8('container id') })],
  [0x88, (r) => done({ containerId: r.u8('container id') })],
  [0x8c, (r) => done({ position: r.position(), itemId: r.u16('item id'), stackpos: r.u8('stackpos') })],
  [0x8d, (r) => done({ creatureId: r.u32('creature id') })],
  [
    0x96,
    (r) => {
      const mode = r.u8('talk mode');
      const f: Record<string, unknown> = { mode };
      if (TALK_PRIVATE.has(mode)) f.receiver = r.string('receiver');
      else if (TALK_CHANNEL.has(mode)) f.channelId = r.u16('channel id');
      f.text = r.string('text');
      return done(f);
    },
  ],
  [0x98, (r) => done({ channelId: r.u16('channel id') })],
  [0x99, (r) => done({ channelId: r.u16('channel id') })],
  [0x9a, (r) => done({ name: r.string('name') })],
  [
    0xa0,
    (r) => {
      const f: Record<string, unknown> = { fightMode: r.u8('fight mode'), chaseMode: r.u8('chase mode'), secureMode: r.u8('secure mode') };
      if (r.left >= 1) f.pvpMode = r.u8('pvp mode');
      return done(f);
    },
  ],
  ...[0xa1, 0xa2].map(
    (op): [number, Decoder] => [
      op,
      (r, c) => {
        const f: Record<string, unknown> = { creatureId: r.u32('creature id') };
        if (current(c, 860) && r.left >= 4) f.seq = r.u32('sequence');
        return done(f);
      },
    ],
  ),
]);

/** Server → client, game service. */
const GAME_S2C: ReadonlyMap<number, Decoder> = new Map<number, Decoder>([
  ...[0x0f, 0x1d, 0x1e].map((op): [number, Decoder] => [op, empty]),
  [0x14, (r) => done({ message: r.string('message') })],
  [0x15, (r) => done({ message: r.string('message') })],
  [0x16, (r) => done({ message: r.string('message'), retrySeconds: r.u8('retry') })],
  [0x17, (r) => prefix({ playerId: r.u32('player id'), beatMs: r.u16('beat duration') })],
  [0x18, (r) => done({ reason: r.u8('reason') })],
  [0x1f, (r) => done({ timestamp: r.u32('timestamp'), random: r.u8('random') })],
  [0x32, (r) => done({ extendedOpcode: r.u8('opcode'), data: r.string('data') })],
  [0x64, (r) => prefix({ center: r.position('center') })],
  [0x69, (r) => prefix({ position: r.position() })],
  [0x6a, (r, c) => prefix({ position: r.position(), ...(current(c, 841) ? { stackpos: r.u8('stackpos') } : {}) })],
  [0x6b, (r) => prefix(thingRef(r, 'thing'))],
  [0x6c, (r) => done(thingRef(r, 'thing'))],
  [0x6d, (r) => done({ from: thingRef(r, 'from'), to: r.position('to') })],
  [0x6f, (r) => done({ containerId: r.u8('container id') })],
  [0x79, (r) => done({ slot: r.u8('slot') })],
  [0x82, (r) => done({ intensity: r.u8('intensity'), color: r.u8('color') })],
  [0x8c, (r) => done({ creatureId: r.u32('creature id'), healthPercent: r.u8('health percent') })],
  [0x8d, (r) => done({ creatureId: r.u32('creature id'), intensity: r.u8('intensity'), color: r.u8('color') })],
  [0x8f, (r) => prefix({ creatureId: r.u32('creature id') })],
  [0x90, (r) => done({ creatureId: r.u32('creature id'), skull: r.u8('skull') })],
  [0x91, (r) => done({ creatureId: r.u32('creature id'), shield: r.u8('shield') })],
  [0x92, (r) => done({ creatureId: r.u32('creature id'), unpassable: r.u8('unpassable') === 1 })],
  [
    0xa0,
    (r, c) =>
      current(c, 1300)
        ? prefix({ health: r.u32('health'), maxHealth: r.u32('max health') })
        : prefix({ health: r.u16('health'), maxHealth: r.u16('max health') }),
  ],
  [0xa3, (r, c) => done(current(c, 860) ? { seq: r.u32('sequence') } : {})],
  [0xaa, (r) => prefix({ statementId: r.u32('statement id'), name: r.string('name') })],
  [0xac, (r) => prefix({ channelId: r.u16('channel id'), name: r.string('name') })],
  [0xb3, (r) => done({ channelId: r.u16('channel id') })],
  [0xb4, textMessage],
  [
    0xb5,
    (r) => {
      const d = r.u8('direction');
      return done({ direction: DIRECTIONS[d] ?? d });
    },
  ],
  [0xb6, (r) => done({ delayMs: r.u16('delay') })],
  [0xbe, () => prefix({})],
  [0xbf, () => prefix({})],
  [0xd3, (r) => done({ playerId: r.u32('player id'), status: r.u8('status') })],
  [0xd4, (r) => done({ playerId: r.u32('player id') })],
  [0xef, (r) => done({ hour: r.u8('hour'), minute: r.u8('minute') })],
]);

/** 0xB4 in the current numbering (Canary MessageClasses): some modes carry a position and values before the text. */
function textMessage(r: Reader, c: FieldContext): Record<string, unknown> {
  const mode = r.u8('message mode');
  if (!current(c, 1200)) return prefix({ mode });
  const f: Record<string, unknown> = { mode };
  switch (mode) {
    case 23: // damage dealt
    case 24: // damage received
    case 27: // damage others
      Object.assign(f, {
        position: r.position(),
        primary: { value: r.u32('primary value'), color: r.u8('primary color') },
        secondary: { value: r.u32('secondary value'), color: r.u8('secondary color') },
      });
      break;
    case 25: // healed
    case 28: // healed others
      Object.assign(f, { position: r.position(), primary: { value: r.u32('value'), color: r.u8('color') } });
      break;
    case 26: // experience
    case 29: // experience others
      Object.assign(f, { position: r.position(), primary: { value: r.u64('value'), color: r.u8('color') } });
      break;
    case 33: // guild
    case 34: // party management
    case 35: // party
      f.channelId = r.u16('channel id');
      break;
    default:
      break;
  }
  f.text = r.string('text');
  return done(f);
}

/** Server → client, login service. */
const LOGIN_S2C: ReadonlyMap<number, Decoder> = new Map<number, Decoder>([
  [0x0a, (r) => done({ message: r.string('message') })],
  [0x0b, (r) => done({ message: r.string('message') })],
  [0x0c, (r) => done({ value: r.u8('value') })],
  [0x0d, (r) => done({ value: r.u8('value') })],
  [0x11, (r) => done({ signature: r.string('signature') })],
  [0x14, (r) => done({ motd: r.string('motd') })],
  [0x1e, empty],
  [0x28, (r) => done({ sessionKey: redactSessionKey(r.string('session key')) })],
  [0x64, (r, c) => done(parseCharacterList(r, c.version).fields)],
]);

export function fieldDecoder(service: Service, dir: Dir, code: number): Decoder | undefined {
  if (service === 'login') return dir === 's2c' ? LOGIN_S2C.get(code) : undefined;
  return (dir === 'c2s' ? GAME_C2S : GAME_S2C).get(code);
}
