/**
 * The binary login service's character list (0x64), read and rewritten.
 * Two layouts, switched by OTClient at 10.10 (modules/gamelib/protocollogin.lua,
 * Canary ProtocolLogin::getCharacterList):
 *
 *   > 10.10  u8 worlds × (u8 id, string name, string host, u16 port, u8 preview)
 *            u8 characters × (u8 world id, string name)  · account data
 *   ≤ 10.10  u8 characters × (string name, string world, u32 IPv4, u16 port
 *            [, u8 preview from 9.80])  · account data
 *
 * The account data after the list (premium days, status) is kept as bytes.
 */
import { type Reader } from './reader';

export interface World {
  readonly id?: number;
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly previewState?: number;
}

export interface CharacterList {
  readonly layout: 'worlds' | 'legacy';
  readonly worlds: World[];
  readonly characters: { readonly name: string; readonly world: string; readonly worldId?: number }[];
  /** The account bytes after the list, untouched. */
  readonly account: Uint8Array;
}

export const WORLD_LIST_FROM = 1011;

/** "1.2.3.4" from the legacy little-endian u32 (first octet in the low byte). */
export const ipFromU32 = (v: number): string => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24].join('.');

export function ipToU32(ip: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return null;
  const o = m.slice(1).map(Number);
  if (o.some((x) => x > 255)) return null;
  return (o[0]! | (o[1]! << 8) | (o[2]! << 16) | (o[3]! << 24)) >>> 0;
}

/** Reads the list after its 0x64 opcode; the account data runs to the end of the message. */
export function readCharacterList(r: Reader, version: number): CharacterList {
  const worlds: World[] = [];
  const characters: { name: string; world: string; worldId?: number }[] = [];
  if (version === 0 || version >= WORLD_LIST_FROM) {
    const nw = r.u8('world count');
    for (let i = 0; i < nw; i++)
      worlds.push({ id: r.u8('world id'), name: r.string('world name'), host: r.string('world host'), port: r.u16('world port'), previewState: r.u8('preview state') });
    const nc = r.u8('character count');
    for (let i = 0; i < nc; i++) {
      const id = r.u8('character world id');
      characters.push({ world: worlds.find((w) => w.id === id)?.name ?? `world ${id}`, worldId: id, name: r.string('character name') });
    }
    return { layout: 'worlds', worlds, characters, account: r.bytesN(r.left, 'account data') };
  }
  const nc = r.u8('character count');
  for (let i = 0; i < nc; i++) {
    const name = r.string('character name');
    const world = r.string('world name');
    const host = ipFromU32(r.u32('world ip'));
    const port = r.u16('world port');
    const previewState = version >= 980 ? r.u8('preview state') : undefined;
    characters.push({ name, world });
    if (!worlds.some((w) => w.name === world && w.host === host && w.port === port))
      worlds.push({ name: world, host, port, ...(previewState !== undefined ? { previewState } : {}) });
  }
  return { layout: 'legacy', worlds, characters, account: r.bytesN(r.left, 'account data') };
}

export function parseCharacterList(r: Reader, version: number): { fields: Record<string, unknown> } {
  const list = readCharacterList(r, version);
  return { fields: { worlds: list.worlds, characters: list.characters, accountBytes: list.account.length } };
}

class Writer {
  parts: number[] = [];
  u8(v: number): void {
    this.parts.push(v & 0xff);
  }
  u16(v: number): void {
    this.parts.push(v & 0xff, (v >>> 8) & 0xff);
  }
  u32(v: number): void {
    this.parts.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  }
  string(s: string): void {
    const b = new TextEncoder().encode(s);
    this.u16(b.length);
    for (const x of b) this.parts.push(x);
  }
  bytes(b: Uint8Array): void {
    for (const x of b) this.parts.push(x);
  }
  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** The 0x64 message (opcode included) for a list, e.g. after its worlds were pointed elsewhere. */
export function writeCharacterList(list: CharacterList, version: number): Uint8Array {
  const w = new Writer();
  w.u8(0x64);
  if (list.layout === 'worlds') {
    w.u8(list.worlds.length);
    for (const world of list.worlds) {
      w.u8(world.id ?? 0);
      w.string(world.name);
      w.string(world.host);
      w.u16(world.port);
      w.u8(world.previewState ?? 0);
    }
    w.u8(list.characters.length);
    for (const c of list.characters) {
      w.u8(c.worldId ?? list.worlds.find((x) => x.name === c.world)?.id ?? 0);
      w.string(c.name);
    }
  } else {
    w.u8(list.characters.length);
    for (const c of list.characters) {
      const world = list.worlds.find((x) => x.name === c.world) ?? list.worlds[0];
      w.string(c.name);
      w.string(c.world);
      w.u32(ipToU32(world?.host ?? '0.0.0.0') ?? 0);
      w.u16(world?.port ?? 0);
      if (version >= 980) w.u8(world?.previewState ?? 0);
    }
  }
  w.bytes(list.account);
  return w.done();
}
