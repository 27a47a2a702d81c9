import { describe, expect, it } from 'vitest';
import { CatchUp, isStateMessage } from './catch-up';
import { PushIgnores } from './push-ignores';

const batch = (afterStep: number) => ({ type: 'GAME_STATE_UPDATE', isResponse: false, afterStep, body: { from: 0, to: 1, ops: [] } });
const wave = (afterStep: number, source: string) => ({ type: 'EVENT_BROADCAST', isResponse: false, afterStep, body: { id: 'x', name: 'party.wave', source, ts: 1 } });

describe('catching up with the capture', () => {
  it('state: snapshots and batches count, a client update acknowledgement does not', () => {
    expect(isStateMessage('GAME_STATE_SYNC', { version: 1 })).toBe(true);
    expect(isStateMessage('GAME_STATE_UPDATE', { from: 1, to: 2, ops: [] })).toBe(true);
    expect(isStateMessage('GAME_STATE_UPDATE', { version: 3, accepted: 1 })).toBe(false);
    expect(isStateMessage('GAME_STATE_UPDATE', null)).toBe(false);
    const c = new CatchUp([{ type: 'GAME_STATE_SYNC', isResponse: false, afterStep: 0, body: { version: 0 } }, batch(1), batch(2), batch(2)], 2, { translate: () => undefined });
    expect(c.at(0)()).toBe(false);
    c.note('GAME_STATE_SYNC', { version: 0 }, false);
    c.note('GAME_STATE_UPDATE', { version: 1, accepted: 1 }, true);
    expect(c.at(0)()).toBe(true);
    expect(c.at(1)()).toBe(false);
    c.note('GAME_STATE_UPDATE', { from: 0, to: 4, ops: [] }, false);
    const at2 = c.at(2);
    expect(c.at(1)()).toBe(true);
    expect(at2()).toBe(false);
    // The check made before follows what arrives after it.
    c.note('GAME_STATE_UPDATE', { from: 4, to: 5, ops: [] }, false);
    c.note('GAME_STATE_UPDATE', { from: 5, to: 6, ops: [] }, false);
    expect(at2()).toBe(true);
    // Steps past the script are the end.
    expect(c.at(99)()).toBe(true);
  });

  it("pushes: every kind the capture had by then, captured sources translated with what is known when the check is made", () => {
    const ids = new Map<string, string>();
    const c = new CatchUp([wave(1, 'p-1'), wave(2, 'bot-2'), wave(2, 'bot-2'), { type: 'EVENT_RESPONSE', isResponse: true, afterStep: 2, body: {} }], 3, { translate: (s) => ids.get(s) });
    ids.set('p-1', 'p-7');
    expect(c.at(0)()).toBe(true);
    const at1 = c.at(1);
    expect(at1()).toBe(false);
    c.note('EVENT_BROADCAST', wave(0, 'p-1').body, false);
    // The captured source, untranslated, is not the replay's.
    expect(at1()).toBe(false);
    c.note('EVENT_BROADCAST', wave(0, 'p-7').body, false);
    expect(at1()).toBe(true);
    c.note('EVENT_BROADCAST', wave(0, 'bot-2').body, false);
    expect(c.at(3)()).toBe(false);
    c.note('EVENT_BROADCAST', wave(0, 'bot-2').body, false);
    expect(c.at(3)()).toBe(true);
  });

  it('kinds an ignore rule leaves out are not waited for (a lone session never hears the others)', () => {
    const c = new CatchUp([wave(1, 'bot-2'), wave(1, 'bot-1')], 1, { translate: () => undefined }, new PushIgnores(['EVENT_BROADCAST * from bot-2']));
    expect(c.at(1)()).toBe(false);
    c.note('EVENT_BROADCAST', wave(0, 'bot-1').body, false);
    expect(c.at(1)()).toBe(true);
  });
});
