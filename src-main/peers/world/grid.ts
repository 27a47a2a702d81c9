/** A coarse spatial index: which entities are in which 16×16 cell, to find neighbours without scanning everyone. */
const CELL = 16;

export class Grid {
  private readonly cells = new Map<number, Set<string>>();

  private key(x: number, y: number): number {
    return Math.floor(x / CELL) * 65_536 + Math.floor(y / CELL);
  }

  add(id: string, x: number, y: number): void {
    const k = this.key(x, y);
    let s = this.cells.get(k);
    if (!s) this.cells.set(k, (s = new Set()));
    s.add(id);
  }

  remove(id: string, x: number, y: number): void {
    const k = this.key(x, y);
    const s = this.cells.get(k);
    if (!s) return;
    s.delete(id);
    if (s.size === 0) this.cells.delete(k);
  }

  move(id: string, fx: number, fy: number, tx: number, ty: number): void {
    if (this.key(fx, fy) === this.key(tx, ty)) return;
    this.remove(id, fx, fy);
    this.add(id, tx, ty);
  }

  /**
   * Ids in every cell that touches the rectangle [x-rx, x+rx] × [y-ry, y+ry]
   * (callers filter exactly), appended to `out`. An array rather than a
   * generator: the server asks this hundreds of times per tick, and a
   * generator over sets allocates an iterator result per id.
   */
  near(x: number, y: number, rx: number, ry: number, out: string[] = []): string[] {
    const cx1 = Math.floor((x + rx) / CELL);
    const cy0 = Math.floor((y - ry) / CELL);
    const cy1 = Math.floor((y + ry) / CELL);
    for (let cx = Math.floor((x - rx) / CELL); cx <= cx1; cx++) {
      for (let cy = cy0; cy <= cy1; cy++) {
        const s = this.cells.get(cx * 65_536 + cy);
        if (s) for (const id of s) out.push(id);
      }
    }
    return out;
  }
}
