/**
 * Resources the reference server serves when no folder is given: a message
 * of the day, the map's description, and a sprite sheet large enough to need
 * several chunks — written once into a folder of their own.
 */
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../src-shared/random';
import type { TileMap } from './world/map';

export function writeDemoResources(dir: string, map: TileMap): string {
  mkdirSync(join(dir, 'sprites'), { recursive: true });
  writeFileSync(join(dir, 'motd.txt'), 'Welcome to the otbridge reference server. Have a look around, and mind the trolls.\n');
  writeFileSync(
    join(dir, 'map.json'),
    `${JSON.stringify({ width: map.spec.width, height: map.spec.height, z: map.spec.z, seed: map.spec.seed, spawn: map.spawn, blocked: map.blockedCount }, null, 2)}\n`,
  );
  const sprites = join(dir, 'sprites', 'sheet.bin');
  if (!existsSync(sprites)) {
    const random = seededRandom(2024);
    const bytes = new Uint8Array(300 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
    writeFileSync(sprites, bytes);
  }
  return dir;
}
