import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_STATE_BYTES, type Rect, type WindowState } from './window-state';
import { DEBOUNCE_MS, nodeStateFs, trackWindow, windowStatePath, WindowStateStore, type StateFs, type Timers, type TrackedWindow } from './window-state-store';

/** Timers the test advances by hand. */
class ManualTimers implements Timers {
  now = 0;
  private next = 1;
  private readonly due = new Map<number, { at: number; fn: () => void }>();
  set(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.due.set(id, { at: this.now + ms, fn });
    return id;
  }
  clear(h: unknown): void {
    this.due.delete(h as number);
  }
  advance(ms: number): void {
    this.now += ms;
    for (const [id, t] of [...this.due]) {
      if (t.at <= this.now) {
        this.due.delete(id);
        t.fn();
      }
    }
  }
  get pending(): number {
    return this.due.size;
  }
}

const state = (x: number, extra: Partial<WindowState> = {}): WindowState => ({ bounds: { x, y: 40, width: 1000, height: 700 }, maximized: false, fullScreen: false, ...extra });

let dir: string;
let logs: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'otbridge-winstate-'));
  logs = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const store = (o: { fs?: StateFs; timers?: Timers; path?: string } = {}) => new WindowStateStore({ path: o.path ?? join(dir, 'home', 'window-state.json'), log: (m) => logs.push(m), ...(o.fs ? { fs: o.fs } : {}), ...(o.timers ? { timers: o.timers } : {}) });

describe('WindowStateStore', () => {
  it('lives in OTBRIDGE_HOME (or ~/.otbridge)', () => {
    expect(windowStatePath('/home/u/.otbridge')).toBe('/home/u/.otbridge/window-state.json');
    const before = process.env.OTBRIDGE_HOME;
    process.env.OTBRIDGE_HOME = dir;
    try {
      expect(windowStatePath()).toBe(join(dir, 'window-state.json'));
    } finally {
      if (before === undefined) delete process.env.OTBRIDGE_HOME;
      else process.env.OTBRIDGE_HOME = before;
    }
  });

  it('writes on flush (creating the folder) and reads it back', () => {
    const s = store();
    expect(s.load()).toBeNull();
    s.flush(state(120, { maximized: true }));
    expect(store().load()).toEqual(state(120, { maximized: true }));
    // Only the state file: the temporary one was renamed over it.
    expect(readdirSync(join(dir, 'home'))).toEqual(['window-state.json']);
    expect(logs).toEqual([]);
  });

  it('waits until the window is still before writing, and writes the last state once', () => {
    const timers = new ManualTimers();
    const writes: string[] = [];
    const fs: StateFs = { ...nodeStateFs, write: (p, t) => (writes.push(t), nodeStateFs.write(p, t)) };
    const s = store({ timers, fs });
    for (let x = 0; x < 50; x++) {
      s.schedule(state(x));
      timers.advance(DEBOUNCE_MS / 5);
    }
    expect(writes).toHaveLength(0);
    timers.advance(DEBOUNCE_MS);
    expect(writes).toHaveLength(1);
    expect(store().load()).toEqual(state(49));
    expect(timers.pending).toBe(0);
  });

  it('flush writes what is pending at once and cancels the timer', () => {
    const timers = new ManualTimers();
    const s = store({ timers });
    s.schedule(state(7));
    s.flush();
    expect(store().load()).toEqual(state(7));
    expect(timers.pending).toBe(0);
    s.flush(); // nothing pending: nothing written, nothing thrown
  });

  it('a write that fails is logged, never thrown, and leaves the previous file whole', () => {
    const path = join(dir, 'home', 'window-state.json');
    store().flush(state(1));
    const failing: StateFs = { ...nodeStateFs, rename: () => { throw new Error('EACCES: permission denied'); } };
    expect(() => store({ fs: failing }).flush(state(2))).not.toThrow();
    expect(logs[0]).toMatch(/not saved.*EACCES/);
    expect(JSON.parse(readFileSync(path, 'utf8')).bounds.x).toBe(1);
  });

  const hostile: [string, string | Buffer, RegExp][] = [
    ['corrupt JSON', '{"bounds":{"x":', /not JSON/],
    ['wrong types', '{"bounds":{"x":"left","y":0,"width":800,"height":600}}', /bounds\.x/],
    ['huge numbers', '{"bounds":{"x":0,"y":0,"width":1e300,"height":1e300}}', /bounds\.width/],
    ['an array', '[]', /not a JSON object/],
    ['binary garbage', Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x7b]), /not JSON/],
    ['an oversize file', `{"bounds":{"x":0,"y":0,"width":800,"height":600},"pad":"${'x'.repeat(MAX_STATE_BYTES * 4)}"}`, /bytes, more than/],
  ];
  for (const [what, content, reason] of hostile) {
    it(`falls back to defaults with a logged reason on ${what}`, () => {
      const path = join(dir, 'home', 'window-state.json');
      mkdirSync(join(dir, 'home'), { recursive: true });
      writeFileSync(path, content);
      expect(store().load()).toBeNull();
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatch(reason);
      expect(logs[0]).toMatch(/using defaults/);
    });
  }

  it('falls back to defaults when the path is a folder', () => {
    mkdirSync(join(dir, 'home', 'window-state.json'), { recursive: true });
    expect(store().load()).toBeNull();
    expect(logs[0]).toMatch(/cannot read/);
  });

  it('reads at most the limit from a file that lies about its size', () => {
    const fs: StateFs = { ...nodeStateFs, read: () => ({ kind: 'too-large', size: MAX_STATE_BYTES + 1 }) };
    expect(store({ fs }).load()).toBeNull();
    expect(logs[0]).toMatch(/more than/);
  });
});

/** A window the test moves, maximizes and closes. */
class FakeWindow implements TrackedWindow {
  bounds: Rect = { x: 10, y: 20, width: 1000, height: 700 };
  maximized = false;
  fullScreen = false;
  private readonly listeners = new Map<string, (() => void)[]>();
  getNormalBounds = (): Rect => this.bounds;
  isMaximized = (): boolean => this.maximized;
  isFullScreen = (): boolean => this.fullScreen;
  on(event: string, l: () => void): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), l]);
  }
  fire(event: string): void {
    for (const l of this.listeners.get(event) ?? []) l();
  }
}

describe('trackWindow', () => {
  it('saves moves after a pause, the maximized flag with the normal bounds, and the last state on close', () => {
    const timers = new ManualTimers();
    const s = store({ timers });
    const win = new FakeWindow();
    trackWindow(win, s);
    win.bounds = { x: 300, y: 200, width: 1100.4, height: 720 };
    win.fire('move');
    win.fire('resize');
    timers.advance(DEBOUNCE_MS);
    expect(store().load()).toEqual({ bounds: { x: 300, y: 200, width: 1100, height: 720 }, maximized: false, fullScreen: false });
    win.maximized = true;
    win.fire('maximize');
    // Closed before the pause ended: the close writes it anyway.
    win.fire('close');
    expect(store().load()).toEqual({ bounds: { x: 300, y: 200, width: 1100, height: 720 }, maximized: true, fullScreen: false });
    expect(timers.pending).toBe(0);
  });

  it('never saves a size the file would refuse back', () => {
    const s = store();
    const win = new FakeWindow();
    trackWindow(win, s);
    win.bounds = { x: 0, y: 0, width: 100, height: 50 };
    win.fire('close');
    expect(store().load()?.bounds).toEqual({ x: 0, y: 0, width: 640, height: 400 });
  });
});
