import { describe, expect, it, vi } from 'vitest';
import { EventBus } from './bus';
import { ClientEvents, EventError } from './client';
import { ServerEvents, type Delivery } from './server';
import { type EventTriggerBody, type PlayerId } from './types';

let seq = 0;
const newId = () => `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;
const bus = () => new EventBus({ newId, now: () => 1000, onHandlerError: (e) => { throw e; } });

function client() {
  const sent: EventTriggerBody[] = [];
  const events = new ClientEvents({ send: (t) => sent.push(JSON.parse(JSON.stringify(t))), bus: bus() });
  return { events, sent };
}

describe('ClientEvents', () => {
  it('REMOTE: sends a trigger and resolves with the response data', async () => {
    const { events, sent } = client();
    const p = events.request('shop.price', { item: 'sword' });
    expect(sent).toEqual([{ id: expect.stringMatching(/^0{8}-/), name: 'shop.price', scope: 'remote', data: { item: 'sword' } }]);
    expect(events.pending).toBe(1);
    expect(events.receiveResponse({ id: sent[0]!.id, ok: true, data: 120 })).toBe(true);
    await expect(p).resolves.toBe(120);
    expect(events.receiveResponse({ id: sent[0]!.id, ok: true })).toBe(false);
  });

  it('REMOTE: rejects with EventError when the server says no', async () => {
    const { events, sent } = client();
    const p = events.request('shop.buy');
    events.receiveResponse({ id: sent[0]!.id, ok: false, error: 'not enough gold' });
    await expect(p).rejects.toEqual(new EventError('not enough gold', sent[0]!.id));
  });

  it('BROADCAST and TARGETED triggers', async () => {
    const { events, sent } = client();
    const a = events.broadcast('world.shout', 'hi');
    const b = events.sendTo(['p-2', 7], 'party.invite');
    expect(sent.map((t) => [t.scope, t.targets])).toEqual([
      ['broadcast', undefined],
      ['targeted', ['p-2', 7]],
    ]);
    for (const t of sent) events.receiveResponse({ id: t.id, ok: true });
    await expect(Promise.all([a, b])).resolves.toEqual([undefined, undefined]);
    await expect(events.sendTo([], 'x')).rejects.toThrow(/at least one target/);
    await expect(events.request('bad..name')).rejects.toThrow(/empty segment/);
  });

  it('keeps unanswered triggers to resend with the same ids after a resume', () => {
    const { events, sent } = client();
    void events.request('a').catch(() => {});
    void events.broadcast('b').catch(() => {});
    events.receiveResponse({ id: sent[0]!.id, ok: true });
    expect(events.resend()).toBe(1);
    expect(sent[2]).toEqual(sent[1]);
  });

  it('fail() and failAll() reject waiting triggers; a send that throws rejects at once', async () => {
    const { events, sent } = client();
    const a = events.request('a');
    const b = events.request('b');
    expect(events.fail(sent[0]!.id, 'timed out')).toBe(true);
    expect(events.failAll('session ended')).toBe(1);
    await expect(a).rejects.toThrow('timed out');
    await expect(b).rejects.toThrow('session ended');
    const broken = new ClientEvents({
      send: () => {
        throw new Error('socket closed');
      },
    });
    await expect(broken.request('x')).rejects.toThrow(/could not send: socket closed/);
    expect(broken.pending).toBe(0);
  });

  it('dispatches broadcasts once, however often they are delivered; ignores malformed ones', () => {
    const { events } = client();
    const h = vi.fn();
    events.bus.on('party.*', h);
    const body = { id: newId(), name: 'party.invite', source: 'p-1', data: { party: 3 }, ts: 5 };
    expect(events.receiveBroadcast(body).delivered).toBe(1);
    expect(events.receiveBroadcast(body).duplicate).toBe(true);
    expect(h).toHaveBeenCalledExactlyOnceWith({ id: body.id, name: 'party.invite', scope: 'broadcast', source: 'p-1', data: { party: 3 }, ts: 5 });
    expect(events.receiveBroadcast(null as never).delivered).toBe(0);
    expect(events.receiveBroadcast({ id: newId(), name: '*', source: 1, ts: 1 }).delivered).toBe(0);
  });
});

describe('ServerEvents', () => {
  const trigger = (over: Partial<EventTriggerBody> = {}): EventTriggerBody => ({ id: newId(), name: 'shop.price', scope: 'remote', ...over });

  it('answers REMOTE events with the first matching handler', async () => {
    const server = new ServerEvents({ bus: bus() });
    server.handle('shop.*', (e, from) => ({ price: 120, for: from, item: (e.data as { item: string }).item }));
    server.handle('shop.price', () => 'never');
    const t = trigger({ data: { item: 'sword' } });
    await expect(server.trigger('p-1', t)).resolves.toEqual({
      response: { id: t.id, ok: true, data: { price: 120, for: 'p-1', item: 'sword' } },
      deliveries: [],
      duplicate: false,
    });
  });

  it('REMOTE without a handler, or with one that throws or rejects: ok false with the reason', async () => {
    const server = new ServerEvents({ bus: bus() });
    server.handle('a.throws', () => {
      throw new Error('out of stock');
    });
    server.handle('a.rejects', async () => Promise.reject(new Error('db down')));
    expect((await server.trigger(1, trigger({ name: 'nobody.home' }))).response).toMatchObject({ ok: false, error: 'no handler for "nobody.home"' });
    expect((await server.trigger(1, trigger({ name: 'a.throws' }))).response).toMatchObject({ ok: false, error: 'out of stock' });
    expect((await server.trigger(1, trigger({ name: 'a.rejects' }))).response).toMatchObject({ ok: false, error: 'db down' });
  });

  it('handles a trigger once per player and id: a resend gets the same answer, even while the first is running', async () => {
    const server = new ServerEvents({ bus: bus() });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const handler = vi.fn(async () => {
      await gate;
      return 'done';
    });
    server.handle('slow', handler);
    const t = trigger({ name: 'slow' });
    const first = server.trigger('p-1', t);
    const again = server.trigger('p-1', t);
    const otherPlayer = server.trigger('p-2', t);
    release();
    expect((await first).duplicate).toBe(false);
    expect(await again).toEqual({ response: { id: t.id, ok: true, data: 'done' }, deliveries: [], duplicate: true });
    expect((await otherPlayer).duplicate).toBe(false);
    expect(handler).toHaveBeenCalledTimes(2);
  });

  it('BROADCAST: one delivery to all, with a fresh server id; delivered once even if resent', async () => {
    const server = new ServerEvents({ bus: bus() });
    const t = trigger({ name: 'world.shout', scope: 'broadcast', data: 'hi' });
    const o = await server.trigger('p-1', t);
    expect(o.response).toEqual({ id: t.id, ok: true });
    expect(o.deliveries).toEqual([{ to: 'all', body: { id: expect.any(String), name: 'world.shout', source: 'p-1', data: 'hi', ts: 1000 } }]);
    expect(o.deliveries[0]!.body.id).not.toBe(t.id);
    expect((await server.trigger('p-1', t)).deliveries).toEqual([]);
  });

  it('TARGETED: delivered to the named players (each once); bad target lists are refused', async () => {
    const server = new ServerEvents({ bus: bus(), maxTargets: 3 });
    const o = await server.trigger('p-1', trigger({ name: 'party.invite', scope: 'targeted', targets: ['p-2', 'p-3', 'p-2'] }));
    expect(o.deliveries).toEqual([{ to: ['p-2', 'p-3'], body: expect.objectContaining({ name: 'party.invite', source: 'p-1' }) }]);
    for (const targets of [undefined, [], ['a', 'b', 'c', 'd'], [{ evil: 1 }], [1.5]]) {
      const r = await server.trigger('p-1', trigger({ name: 'x', scope: 'targeted', targets: targets as PlayerId[] }));
      expect(r.response.ok).toBe(false);
      expect(r.deliveries).toEqual([]);
    }
  });

  it('refuses malformed and hostile triggers with a reason', async () => {
    const server = new ServerEvents({ bus: bus() });
    const bad: unknown[] = [
      null,
      'x',
      { id: 'not-a-uuid', name: 'a', scope: 'remote' },
      { id: newId(), name: '', scope: 'remote' },
      { id: newId(), name: 'a.*', scope: 'broadcast' },
      { id: newId(), name: 'a', scope: 'local' },
      { id: newId(), name: 'a', scope: '__proto__' },
      JSON.parse(`{"id":"${newId()}","name":"a","scope":"broadcast","__proto__":{"polluted":true}}`),
    ];
    for (const b of bad) {
      const o = await server.trigger('p-1', b);
      if (b !== bad[7]) expect(o.response.ok).toBe(false);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('server-side subscribers see accepted triggers; the server broadcasts its own events', async () => {
    const server = new ServerEvents({ bus: bus() });
    const seen: string[] = [];
    server.bus.on('**', (e) => void seen.push(`${e.scope}:${e.name}:${String(e.source)}`));
    server.handle('q', () => 1);
    await server.trigger('p-1', trigger({ name: 'q' }));
    await server.trigger('p-1', trigger({ name: 'w', scope: 'broadcast' }));
    const d = server.broadcast('server.restart', { in: 60 });
    const t = server.broadcast('gm.whisper', 'hello', ['p-9']);
    expect(d).toEqual({ to: 'all', body: { id: expect.any(String), name: 'server.restart', source: 'server', data: { in: 60 }, ts: 1000 } });
    expect(t.to).toEqual(['p-9']);
    expect(seen).toEqual(['remote:q:p-1', 'broadcast:w:p-1', 'broadcast:server.restart:server', 'targeted:gm.whisper:server']);
    expect(() => server.broadcast('')).toThrow(RangeError);
  });
});

describe('client ↔ server', () => {
  it('a party invite from one player reaches exactly the invited one, once, across a resume', async () => {
    const server = new ServerEvents({ bus: bus() });
    const players = new Map<PlayerId, ReturnType<typeof client>>([
      ['p-1', client()],
      ['p-2', client()],
      ['p-3', client()],
    ]);
    const deliver = (ds: readonly Delivery[]) => {
      for (const d of ds) for (const [id, c] of players) if (d.to === 'all' || d.to.includes(id)) c.events.receiveBroadcast(JSON.parse(JSON.stringify(d.body)));
    };
    const got = new Map<PlayerId, string[]>();
    for (const [id, c] of players) c.events.bus.on('party.*', (e) => void got.set(id, [...(got.get(id) ?? []), `${e.name} from ${String(e.source)}`]));

    const p1 = players.get('p-1')!;
    const done = p1.events.sendTo(['p-2'], 'party.invite', { party: 1 });
    const first = await server.trigger('p-1', p1.sent[0]);
    deliver(first.deliveries);
    // The response is lost in a reconnect; the client resends, the server answers from memory.
    p1.events.resend();
    const second = await server.trigger('p-1', p1.sent[1]);
    deliver(second.deliveries);
    // And the broadcast itself is redelivered after p-2's own resume.
    deliver(first.deliveries);
    p1.events.receiveResponse(second.response);
    await done;
    expect(Object.fromEntries(got)).toEqual({ 'p-2': ['party.invite from p-1'] });
  });
});
