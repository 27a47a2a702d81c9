/**
 * The demo world's map: one floor of walkable and blocked tiles, generated
 * from a seed (rocks and water in clumps, a clear square around the spawn),
 * so every run of the reference server has the same geography.
 */
import { seededRandom } from '../../../src-shared/random';

export interface MapSpec {
  readonly width: number;
  readonly height: number;
  /** The floor everything is on (Tibia's ground floor is 7). */
  readonly z: number;
  readonly seed: number;
  /** Share of tiles that are blocked, 0..0.5. */
  readonly blockedRatio: number;
}

export const DEFAULT_MAP: MapSpec = { width: 256, height: 256, z: 7, seed: 1, blockedRatio: 0.12 };

export interface Point {
  readonly x: number;
  readonly y: number;
}

export class TileMap {
  readonly spawn: Point;
  private readonly blocked: Uint8Array;

  constructor(readonly spec: MapSpec = DEFAULT_MAP) {
    if (spec.width < 16 || spec.height < 16 || spec.width > 4096 || spec.height > 4096) throw new RangeError('map size must be 16..4096 tiles per side');
    const random = seededRandom(spec.seed);
    this.blocked = new Uint8Array(spec.width * spec.height);
    this.spawn = { x: spec.width >> 1, y: spec.height >> 1 };
    // Clumps: each seed tile blocks a small random blob around it.
    const clumps = Math.floor((spec.width * spec.height * Math.min(0.5, spec.blockedRatio)) / 6);
    for (let i = 0; i < clumps; i++) {
      let x = Math.floor(random() * spec.width);
      let y = Math.floor(random() * spec.height);
      for (let k = 0; k < 6; k++) {
        this.blocked[y * spec.width + x] = 1;
        x = Math.min(spec.width - 1, Math.max(0, x + Math.floor(random() * 3) - 1));
        y = Math.min(spec.height - 1, Math.max(0, y + Math.floor(random() * 3) - 1));
      }
    }
    for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) this.blocked[(this.spawn.y + dy) * spec.width + this.spawn.x + dx] = 0;
  }

  inBounds(x: number, y: number): boolean {
    return Number.isInteger(x) && Number.isInteger(y) && x >= 0 && y >= 0 && x < this.spec.width && y < this.spec.height;
  }

  isWalkable(x: number, y: number, z: number = this.spec.z): boolean {
    return z === this.spec.z && this.inBounds(x, y) && this.blocked[y * this.spec.width + x] === 0;
  }

  /** A walkable tile chosen with `random`. */
  randomWalkable(random: () => number): Point {
    for (;;) {
      const x = Math.floor(random() * this.spec.width);
      const y = Math.floor(random() * this.spec.height);
      if (this.isWalkable(x, y)) return { x, y };
    }
  }

  get blockedCount(): number {
    let n = 0;
    for (const b of this.blocked) n += b;
    return n;
  }
}
