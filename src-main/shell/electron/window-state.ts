/**
 * The Electron window's remembered state — bounds, maximized, full screen —
 * as pure functions: reading a state file's text without trusting it, and
 * deciding where the window opens given the displays connected now. The file
 * and the timers are in window-state-store.ts.
 */

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface WindowState {
  /** The window's normal (restored) bounds, also while maximized or full screen. */
  readonly bounds: Rect;
  readonly maximized: boolean;
  readonly fullScreen: boolean;
}

/** A connected display: its work area (the screen less task bars and docks), as Electron's screen API gives it. */
export interface DisplayArea {
  readonly workArea: Rect;
}

export const DEFAULT_SIZE = { width: 1400, height: 900 } as const;
/** The smallest window the console's views still fit in. */
export const MIN_SIZE = { width: 640, height: 400 } as const;
/** A state file is a few hundred bytes; anything much larger is not ours. */
export const MAX_STATE_BYTES = 16 * 1024;
/** Beyond any real desktop (16 8K screens side by side); larger numbers are corrupt or hostile. */
const MAX_COORD = 1_000_000;
const MAX_DIMENSION = 100_000;
/** A saved window counts as on a display when at least this much of it (each way) is: enough to grab its title bar. */
export const MIN_VISIBLE = 48;

export type ParsedState = { readonly ok: true; readonly state: WindowState } | { readonly ok: false; readonly reason: string };

const isInt = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** Reads a state file's text; any doubt is a reason, never an exception. */
export function parseWindowState(text: string): ParsedState {
  if (text.length > MAX_STATE_BYTES) return { ok: false, reason: `the file is larger than ${MAX_STATE_BYTES} bytes` };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `not JSON (${(e as Error).message})` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'not a JSON object' };
  const o = raw as Record<string, unknown>;
  const b = o.bounds;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) return { ok: false, reason: 'bounds missing or not an object' };
  const { x, y, width, height } = b as Record<string, unknown>;
  if (!isInt(x, -MAX_COORD, MAX_COORD) || !isInt(y, -MAX_COORD, MAX_COORD)) return { ok: false, reason: `bounds.x and bounds.y must be integers within ±${MAX_COORD}` };
  if (!isInt(width, MIN_SIZE.width, MAX_DIMENSION) || !isInt(height, MIN_SIZE.height, MAX_DIMENSION)) {
    return { ok: false, reason: `bounds.width and bounds.height must be integers from ${MIN_SIZE.width}×${MIN_SIZE.height} to ${MAX_DIMENSION}` };
  }
  const maximized = o.maximized ?? false;
  const fullScreen = o.fullScreen ?? false;
  if (typeof maximized !== 'boolean' || typeof fullScreen !== 'boolean') return { ok: false, reason: 'maximized and fullScreen must be true or false' };
  return { ok: true, state: { bounds: { x, y, width, height }, maximized, fullScreen } };
}

/** The text written to the state file (only the known fields, whatever the object carries). */
export function serializeWindowState(s: WindowState): string {
  const { x, y, width, height } = s.bounds;
  return `${JSON.stringify({ bounds: { x, y, width, height }, maximized: s.maximized, fullScreen: s.fullScreen }, null, 2)}\n`;
}

/** How much two rectangles overlap, each way (0 when they do not). */
function overlap(a: Rect, b: Rect): { w: number; h: number } {
  return {
    w: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    h: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

/** Whether a window at these bounds can be seen and grabbed on one of the displays. */
export function isOnSomeDisplay(bounds: Rect, displays: readonly DisplayArea[]): boolean {
  return displays.some((d) => {
    const o = overlap(bounds, d.workArea);
    return o.w >= Math.min(MIN_VISIBLE, bounds.width) && o.h >= Math.min(MIN_VISIBLE, bounds.height);
  });
}

/** The default window: DEFAULT_SIZE (or the work area, if smaller), centred on the primary display. */
export function centredDefault(primary: DisplayArea): Rect {
  const wa = primary.workArea;
  const width = Math.min(DEFAULT_SIZE.width, Math.max(MIN_SIZE.width, wa.width));
  const height = Math.min(DEFAULT_SIZE.height, Math.max(MIN_SIZE.height, wa.height));
  return { x: Math.round(wa.x + (wa.width - width) / 2), y: Math.round(wa.y + (wa.height - height) / 2), width, height };
}

export interface Placement extends WindowState {
  /** Why the saved state was not used (null: it was, or there was none). */
  readonly reason: string | null;
}

/**
 * Where the window opens: the saved state when its bounds are still on a
 * connected display (a monitor may have been unplugged since), else centred
 * defaults on the primary display.
 */
export function placeWindow(saved: WindowState | null, displays: readonly DisplayArea[], primary: DisplayArea): Placement {
  if (saved && isOnSomeDisplay(saved.bounds, displays)) return { ...saved, reason: null };
  const reason = saved ? 'the saved bounds are on no connected display' : null;
  return { bounds: centredDefault(primary), maximized: saved?.maximized ?? false, fullScreen: false, reason };
}
