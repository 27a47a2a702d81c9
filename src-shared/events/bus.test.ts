import { describe, expect, it, vi } from 'vitest';
import { BoundedMap, BoundedSet } from './bounded';
import { EventBus } from './bus';
import { Emitter } from './emitter';
import { randomId, UUID_PATTERN } from './ids';
import { type BusEvent } from './types';

const ev = (id: string, name: string): BusEvent => ({ id, name, scope: 'broadcast', ts: 1 });

function quietBus(seenCapacity?: number) {
  const errors: { error: unknown; pattern: string; id: string }[] = [];
  let n = 0;
  const bus = new EventBus({
    seenCapacity,
    now: () => 42,
    newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    onHandlerError: (error, event, pattern) => errors.push({ error, pattern, id: event.id }),
  });
  return { bus, errors };
}

describe('EventBus', () => {
  it('delivers to exact and wildcard subscriptions, in subscription order', () => {
    const { bus } = quietBus();
    const got: string[] = [];
    bus.on('party.*', (e) => void got.push(`party.*:${e.name}`));
    bus.on('party.invite', (e) => void got.push(`exact:${e.name}`));
    bus.on('*', (e) => void got.push(`*:${e.name}`));
    bus.on('guild.**', (e) => void got.push(`guild.**:${e.name}`));
    expect(bus.dispatch(ev('1', 'party.invite'))).toEqual({ duplicate: false, delivered: 3, failed: 0 });
    bus.dispatch(ev('2', 'guild.rank.changed'));
    bus.dispatch(ev('3', 'chat'));
    expect(got).toEqual(['party.*:party.invite', 'exact:party.invite', '*:party.invite', '*:guild.rank.changed', 'guild.**:guild.rank.changed', '*:chat']);
    expect(bus.listenerCount('party.invite')).toBe(3);
    expect(bus.listenerCount()).toBe(4);
  });

  it('unsubscribes by the returned function or by off(); once() fires once', () => {
    const { bus } = quietBus();
    const a = vi.fn();
    const b = vi.fn();
    const c = vi.fn();
    const offA = bus.on('x', a);
    bus.on('x', b);
    bus.once('x', c);
    bus.dispatch(ev('1', 'x'));
    offA();
    expect(bus.off('x', b)).toBe(true);
    expect(bus.off('x', b)).toBe(false);
    bus.dispatch(ev('2', 'x'));
    expect([a.mock.calls.length, b.mock.calls.length, c.mock.calls.length]).toEqual([1, 1, 1]);
  });

  it('drops a second delivery of an id (a redelivery after a resume)', () => {
    const { bus } = quietBus();
    const h = vi.fn();
    bus.on('*', h);
    expect(bus.dispatch(ev('same', 'a')).duplicate).toBe(false);
    expect(bus.dispatch(ev('same', 'a'))).toEqual({ duplicate: true, delivered: 0, failed: 0 });
    expect(h).toHaveBeenCalledTimes(1);
    expect(bus.hasSeen('same')).toBe(true);
    // dedupe: false is for ids deduplicated elsewhere.
    expect(bus.dispatch(ev('same', 'a'), { dedupe: false }).delivered).toBe(1);
  });

  it('remembers a bounded number of ids', () => {
    const { bus } = quietBus(2);
    bus.dispatch(ev('1', 'a'));
    bus.dispatch(ev('2', 'a'));
    bus.dispatch(ev('3', 'a'));
    expect(bus.hasSeen('1')).toBe(false);
    expect(bus.hasSeen('3')).toBe(true);
  });

  it('a handler that throws is reported and the others still run', () => {
    const { bus, errors } = quietBus();
    const after = vi.fn();
    bus.on('boom', () => {
      throw new Error('handler bug');
    });
    bus.on('*', after);
    expect(bus.dispatch(ev('1', 'boom'))).toEqual({ duplicate: false, delivered: 2, failed: 1 });
    expect(after).toHaveBeenCalledOnce();
    expect(errors).toEqual([{ error: new Error('handler bug'), pattern: 'boom', id: '1' }]);
  });

  it('a handler whose promise rejects is reported too', async () => {
    const { bus, errors } = quietBus();
    bus.on('a', async () => {
      throw new Error('async bug');
    });
    bus.dispatch(ev('1', 'a'));
    await new Promise((r) => setTimeout(r, 0));
    expect(errors.map((e) => (e.error as Error).message)).toEqual(['async bug']);
  });

  it('by default a handler error is rethrown later, after every handler ran', async () => {
    const bus = new EventBus();
    const seen: unknown[] = [];
    const onUncaught = (e: unknown) => seen.push(e);
    process.on('uncaughtException', onUncaught);
    try {
      const other = vi.fn();
      bus.on('a', () => {
        throw new Error('loud');
      });
      bus.on('a', other);
      expect(() => bus.dispatch(ev('1', 'a'))).not.toThrow();
      expect(other).toHaveBeenCalled();
      await new Promise((r) => setTimeout(r, 10));
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(seen).toEqual([new Error('loud')]);
  });

  it('handlers added or removed during a dispatch take effect from the next one', () => {
    const { bus } = quietBus();
    const late = vi.fn();
    const second = vi.fn();
    bus.on('a', () => {
      bus.on('a', late);
      bus.off('a', second);
    });
    bus.on('a', second);
    bus.dispatch(ev('1', 'a'));
    expect(late).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledOnce();
    bus.dispatch(ev('2', 'a'));
    expect(late).toHaveBeenCalledOnce();
    expect(second).toHaveBeenCalledOnce();
  });

  it('emit() raises a LOCAL event with a fresh id; names are checked', () => {
    const { bus } = quietBus();
    const got: BusEvent[] = [];
    bus.on('ui.**', (e) => void got.push(e));
    const e = bus.emit('ui.window.opened', { id: 'bag' });
    expect(e).toEqual({ id: '00000000-0000-4000-8000-000000000001', name: 'ui.window.opened', scope: 'local', ts: 42, data: { id: 'bag' } });
    expect(got).toEqual([e]);
    expect(() => bus.emit('bad..name')).toThrow(RangeError);
    expect(() => bus.on('a.b*', () => {})).toThrow(RangeError);
  });
});

describe('support pieces', () => {
  it('randomId makes v4 UUIDs', () => {
    const ids = new Set(Array.from({ length: 1000 }, randomId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(UUID_PATTERN);
    for (const id of ids) expect(id[14]).toBe('4');
  });

  it('BoundedSet and BoundedMap keep the newest entries', () => {
    const s = new BoundedSet<number>(2);
    expect(s.add(1)).toBe(true);
    expect(s.add(1)).toBe(false);
    s.add(2);
    s.add(3);
    expect([s.has(1), s.has(2), s.has(3), s.size]).toEqual([false, true, true, 2]);
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    m.set('a', 3); // an update does not evict
    m.set('c', 4);
    expect([m.get('a'), m.get('b'), m.get('c')]).toEqual([undefined, 2, 4]);
    expect(() => new BoundedSet(0)).toThrow(RangeError);
  });

  it('Emitter isolates listeners the same way', () => {
    const errors: string[] = [];
    const em = new Emitter<{ tick: number }>((e, name) => errors.push(`${name}: ${(e as Error).message}`));
    const got: number[] = [];
    em.on('tick', () => {
      throw new Error('bad');
    });
    const off = em.on('tick', (n) => got.push(n));
    em.emit('tick', 1);
    off();
    em.emit('tick', 2);
    expect(got).toEqual([1]);
    expect(errors).toEqual(['tick: bad', 'tick: bad']);
    expect(em.has('tick')).toBe(true);
  });
});
