/**
 * Keeps the window's state in `<OTBRIDGE_HOME or ~/.otbridge>/window-state.json`:
 * loaded once at start (anything wrong with the file → defaults and a logged
 * reason), saved at most every DEBOUNCE_MS while the window moves or resizes,
 * and flushed when it closes. Writes go to a temporary file renamed over the
 * old one, so a crash mid-write leaves the previous state, never half a file.
 *
 * The file system is synchronous and injected: the file is a few hundred
 * bytes, and the flush on close must be done before the process exits.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { configDir } from '../../cli/trust';
import { MAX_STATE_BYTES, MIN_SIZE, parseWindowState, serializeWindowState, type Rect, type WindowState } from './window-state';

/** Moving a window fires dozens of events a second; one write after it stops is enough. */
export const DEBOUNCE_MS = 500;

export const windowStatePath = (home: string = configDir()): string => join(home, 'window-state.json');

export type ReadResult = { readonly kind: 'missing' } | { readonly kind: 'too-large'; readonly size: number } | { readonly kind: 'text'; readonly text: string };

export interface StateFs {
  /** The file's text, or why there is none; reads at most maxBytes (a larger file is 'too-large'). */
  read(path: string, maxBytes: number): ReadResult;
  write(path: string, text: string): void;
  rename(from: string, to: string): void;
  mkdirp(dir: string): void;
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const nodeStateFs: StateFs = {
  read(path, maxBytes) {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
      throw e;
    }
    try {
      const size = fstatSync(fd).size;
      if (size > maxBytes) return { kind: 'too-large', size };
      // One byte more than allowed tells a file that grew since fstat.
      const buf = Buffer.alloc(maxBytes + 1);
      let got = 0;
      for (let n = 1; n > 0 && got < buf.length; got += n) n = readSync(fd, buf, got, buf.length - got, null);
      if (got > maxBytes) return { kind: 'too-large', size: got };
      return { kind: 'text', text: buf.toString('utf8', 0, got) };
    } finally {
      closeSync(fd);
    }
  },
  write: (path, text) => writeFileSync(path, text, { mode: 0o600 }),
  rename: (from, to) => renameSync(from, to),
  mkdirp: (dir) => void mkdirSync(dir, { recursive: true }),
};

const nodeTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface StoreOptions {
  readonly path?: string;
  readonly fs?: StateFs;
  readonly timers?: Timers;
  readonly log?: (message: string) => void;
}

export class WindowStateStore {
  readonly path: string;
  private readonly fs: StateFs;
  private readonly timers: Timers;
  private readonly log: (message: string) => void;
  private pending: WindowState | null = null;
  private timer: unknown = null;
  private tmpCounter = 0;

  constructor(o: StoreOptions = {}) {
    this.path = o.path ?? windowStatePath();
    this.fs = o.fs ?? nodeStateFs;
    this.timers = o.timers ?? nodeTimers;
    this.log = o.log ?? ((m) => console.warn(`otbridge: ${m}`));
  }

  /** The saved state, or null (first start, or a file that cannot be trusted: the reason is logged). */
  load(): WindowState | null {
    let r: ReadResult;
    try {
      r = this.fs.read(this.path, MAX_STATE_BYTES);
    } catch (e) {
      this.log(`window state not restored: cannot read ${this.path} (${(e as Error).message}); using defaults`);
      return null;
    }
    if (r.kind === 'missing') return null;
    if (r.kind === 'too-large') {
      this.log(`window state not restored: ${this.path} is ${r.size} bytes, more than ${MAX_STATE_BYTES}; using defaults`);
      return null;
    }
    const parsed = parseWindowState(r.text);
    if (!parsed.ok) {
      this.log(`window state not restored: ${this.path}: ${parsed.reason}; using defaults`);
      return null;
    }
    return parsed.state;
  }

  /** Remembers a state, written once the window has been still for DEBOUNCE_MS. */
  schedule(state: WindowState): void {
    this.pending = state;
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = this.timers.set(() => {
      this.timer = null;
      this.flush();
    }, DEBOUNCE_MS);
  }

  /** Writes the state now (the given one, else whatever is pending). */
  flush(state?: WindowState): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    const s = state ?? this.pending;
    this.pending = null;
    if (!s) return;
    const tmp = `${this.path}.${++this.tmpCounter}.tmp`;
    try {
      this.fs.mkdirp(dirname(this.path));
      this.fs.write(tmp, serializeWindowState(s));
      this.fs.rename(tmp, this.path);
    } catch (e) {
      // The window's place is a comfort, not data: say so and go on.
      this.log(`window state not saved to ${this.path}: ${(e as Error).message}`);
    }
  }
}

/** What the store needs of a BrowserWindow (tests pass a fake). */
export interface TrackedWindow {
  getNormalBounds(): Rect;
  isMaximized(): boolean;
  isFullScreen(): boolean;
  on(event: 'move' | 'resize' | 'maximize' | 'unmaximize' | 'enter-full-screen' | 'leave-full-screen' | 'close', listener: () => void): unknown;
}

export const stateOf = (win: TrackedWindow): WindowState => {
  const b = win.getNormalBounds();
  // Never below the minimum the file accepts back (the window has it as its minimum size too).
  const width = Math.max(MIN_SIZE.width, Math.round(b.width));
  const height = Math.max(MIN_SIZE.height, Math.round(b.height));
  return { bounds: { x: Math.round(b.x), y: Math.round(b.y), width, height }, maximized: win.isMaximized(), fullScreen: win.isFullScreen() };
};

/** Saves the window's state as it changes, and for the last time when it closes. */
export function trackWindow(win: TrackedWindow, store: WindowStateStore): void {
  const changed = (): void => store.schedule(stateOf(win));
  for (const ev of ['move', 'resize', 'maximize', 'unmaximize', 'enter-full-screen', 'leave-full-screen'] as const) win.on(ev, changed);
  win.on('close', () => store.flush(stateOf(win)));
}
