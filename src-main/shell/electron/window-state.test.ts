import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { centredDefault, DEFAULT_SIZE, isOnSomeDisplay, MAX_STATE_BYTES, MIN_SIZE, parseWindowState, placeWindow, serializeWindowState, type WindowState } from './window-state';

const primary = { workArea: { x: 0, y: 0, width: 1920, height: 1040 } };
const right = { workArea: { x: 1920, y: 0, width: 2560, height: 1400 } };
const saved: WindowState = { bounds: { x: 100, y: 80, width: 1200, height: 800 }, maximized: false, fullScreen: false };

describe('parseWindowState', () => {
  it('reads back what was written', () => {
    const s: WindowState = { bounds: { x: -1800, y: 20, width: 1600, height: 1000 }, maximized: true, fullScreen: false };
    expect(parseWindowState(serializeWindowState(s))).toEqual({ ok: true, state: s });
  });

  it('round-trips every state it accepts (property)', () => {
    const st = fc.record({
      bounds: fc.record({ x: fc.integer({ min: -1_000_000, max: 1_000_000 }), y: fc.integer({ min: -1_000_000, max: 1_000_000 }), width: fc.integer({ min: MIN_SIZE.width, max: 100_000 }), height: fc.integer({ min: MIN_SIZE.height, max: 100_000 }) }),
      maximized: fc.boolean(),
      fullScreen: fc.boolean(),
    });
    fc.assert(
      fc.property(st, (s) => {
        expect(parseWindowState(serializeWindowState(s))).toEqual({ ok: true, state: s });
      }),
    );
  });

  it('treats missing flags as false', () => {
    expect(parseWindowState('{"bounds":{"x":0,"y":0,"width":800,"height":600}}')).toEqual({ ok: true, state: { bounds: { x: 0, y: 0, width: 800, height: 600 }, maximized: false, fullScreen: false } });
  });

  const bad: [string, string][] = [
    ['', 'not JSON'],
    ['{"bounds":{"x":0,"y":0,"width":800', 'not JSON'],
    ['null', 'not a JSON object'],
    ['[1,2,3]', 'not a JSON object'],
    ['"hello"', 'not a JSON object'],
    ['{}', 'bounds missing'],
    ['{"bounds":[0,0,800,600]}', 'bounds missing'],
    ['{"bounds":{"x":"0","y":0,"width":800,"height":600}}', 'bounds.x'],
    ['{"bounds":{"x":1e308,"y":0,"width":800,"height":600}}', 'bounds.x'],
    ['{"bounds":{"x":0.5,"y":0,"width":800,"height":600}}', 'bounds.x'],
    ['{"bounds":{"x":0,"y":-9007199254740993,"width":800,"height":600}}', 'bounds.x'],
    ['{"bounds":{"x":0,"y":0,"width":99999999,"height":600}}', 'bounds.width'],
    ['{"bounds":{"x":0,"y":0,"width":10,"height":600}}', 'bounds.width'],
    ['{"bounds":{"x":0,"y":0,"width":800,"height":-600}}', 'bounds.width'],
    ['{"bounds":{"x":0,"y":0,"width":800,"height":null}}', 'bounds.width'],
    ['{"bounds":{"x":0,"y":0,"width":800,"height":600},"maximized":"yes"}', 'maximized'],
    ['{"bounds":{"x":0,"y":0,"width":800,"height":600},"fullScreen":1}', 'fullScreen'],
  ];
  for (const [text, reason] of bad) {
    it(`refuses ${JSON.stringify(text).slice(0, 60)} with a reason`, () => {
      const r = parseWindowState(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toContain(reason);
    });
  }

  it('refuses an oversize text without parsing it', () => {
    const r = parseWindowState(`{"bounds":{"x":0,"y":0,"width":800,"height":600},"pad":"${'x'.repeat(MAX_STATE_BYTES)}"}`);
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('larger than') });
  });

  it('keeps only the known fields (no prototype tricks come through)', () => {
    const r = parseWindowState('{"__proto__":{"polluted":true},"bounds":{"x":0,"y":0,"width":800,"height":600,"__proto__":{"evil":1}},"extra":1}');
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(Object.keys(r.state)).toEqual(['bounds', 'maximized', 'fullScreen']);
      expect(Object.keys(r.state.bounds)).toEqual(['x', 'y', 'width', 'height']);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });

  it('never throws on arbitrary text or JSON (property)', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ bounds: v }))), (t) => {
      const r = parseWindowState(t);
      expect(typeof r.ok).toBe('boolean');
    }));
  });
});

describe('placeWindow', () => {
  it('restores bounds that are still on a display', () => {
    expect(placeWindow(saved, [primary], primary)).toEqual({ ...saved, reason: null });
    const onRight = { ...saved, bounds: { x: 2500, y: 100, width: 1200, height: 800 }, maximized: true };
    expect(placeWindow(onRight, [primary, right], primary)).toEqual({ ...onRight, reason: null });
  });

  it('centres the defaults when the saved display is gone', () => {
    const onRight = { ...saved, bounds: { x: 2500, y: 100, width: 1200, height: 800 } };
    const p = placeWindow(onRight, [primary], primary);
    expect(p.bounds).toEqual({ x: 260, y: 70, ...DEFAULT_SIZE });
    expect(p.reason).toMatch(/no connected display/);
  });

  it('centres the defaults on first start', () => {
    expect(placeWindow(null, [primary], primary)).toEqual({ bounds: { x: 260, y: 70, ...DEFAULT_SIZE }, maximized: false, fullScreen: false, reason: null });
  });

  it('needs more than a sliver on screen: a window whose title bar cannot be grabbed is moved', () => {
    expect(isOnSomeDisplay({ x: 1900, y: 0, width: 800, height: 600 }, [primary])).toBe(false);
    expect(isOnSomeDisplay({ x: 1800, y: 0, width: 800, height: 600 }, [primary])).toBe(true);
    expect(isOnSomeDisplay({ x: 100, y: -590, width: 800, height: 600 }, [primary])).toBe(false);
  });

  it('fits the default into a small screen, never below the minimum size', () => {
    expect(centredDefault({ workArea: { x: 0, y: 0, width: 1024, height: 700 } })).toEqual({ x: 0, y: 0, width: 1024, height: 700 });
    expect(centredDefault({ workArea: { x: 0, y: 0, width: 320, height: 200 } })).toMatchObject({ width: MIN_SIZE.width, height: MIN_SIZE.height });
  });

  it('always returns bounds on the primary display or the saved ones (property)', () => {
    const rect = fc.record({ x: fc.integer({ min: -5000, max: 5000 }), y: fc.integer({ min: -5000, max: 5000 }), width: fc.integer({ min: 640, max: 4000 }), height: fc.integer({ min: 400, max: 3000 }) });
    fc.assert(
      fc.property(rect, fc.array(rect.map((workArea) => ({ workArea })), { minLength: 1, maxLength: 4 }), (bounds, displays) => {
        const s = { bounds, maximized: false, fullScreen: false };
        const p = placeWindow(s, displays, displays[0]!);
        if (p.reason === null) expect(p.bounds).toEqual(bounds);
        else expect(isOnSomeDisplay(p.bounds, [displays[0]!])).toBe(true);
      }),
    );
  });
});
