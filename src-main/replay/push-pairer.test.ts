import { describe, expect, it } from 'vitest';
import { PushPairer } from './push-pairer';

const wave = (source: string, id: string) => ({ type: 'EVENT_BROADCAST', isResponse: false, body: { id, name: 'party.wave', source, ts: 1 } });

describe('pairing live pushes with captured ones', () => {
  it('the n-th live push of a kind gets the n-th captured one; answers are not pushes', () => {
    const p = new PushPairer(
      [wave('p-1', 'a1'), { type: 'GAME_STATE_SYNC', isResponse: true, body: { version: 9 } }, wave('p-1', 'a2'), { type: 'GAME_STATE_SYNC', isResponse: false, body: { version: 0 } }],
      () => undefined,
    );
    expect(p.next('EVENT_BROADCAST', wave('p-1', 'x').body)).toMatchObject({ id: 'a1' });
    expect(p.next('GAME_STATE_SYNC', { version: 3 })).toEqual({ version: 0 });
    expect(p.next('EVENT_BROADCAST', wave('p-1', 'y').body)).toMatchObject({ id: 'a2' });
    // More than the capture had: nothing to pair with.
    expect(p.next('EVENT_BROADCAST', wave('p-1', 'z').body)).toBeUndefined();
    expect(p.next('GAME_STATE_SYNC', { version: 4 })).toBeUndefined();
  });

  it("a captured broadcast's source is translated to the replay's id, learnt after the pairer was made", () => {
    const ids = new Map<string, string>();
    const p = new PushPairer([wave('p-1', 'mine'), wave('p-2', 'theirs')], (s) => ids.get(s));
    // The login teaches p-1 → p-7 only now (the pairer already exists).
    ids.set('p-1', 'p-7');
    expect(p.next('EVENT_BROADCAST', wave('p-7', 'x').body)).toMatchObject({ id: 'mine' });
    // Untranslated sources pair as they are; an unknown source pairs with nothing.
    expect(p.next('EVENT_BROADCAST', wave('p-2', 'y').body)).toMatchObject({ id: 'theirs' });
    expect(p.next('EVENT_BROADCAST', wave('p-1', 'z').body)).toBeUndefined();
  });

  it('hostile bodies pair by type alone, never throw', () => {
    const p = new PushPairer([{ type: 'EVENT_BROADCAST', isResponse: false, body: null }], () => undefined);
    expect(p.next('EVENT_BROADCAST', 'not an object')).toBeNull();
    expect(p.next('EVENT_BROADCAST', { name: 5 })).toBeUndefined();
  });
});
