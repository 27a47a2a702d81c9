/**
 * EVENT_TRIGGER on the server (spec §5): `remote` events run a handler
 * registered by name (exact, or a wildcard like `party.*`) and answer with
 * its result; `broadcast` and `targeted` events are delivered as
 * EVENT_BROADCAST to every other session or to the named players (queued
 * for sessions that are away, delivered after their resume). A trigger id
 * seen again (a client resending after a reconnect) gets the same answer and
 * is not delivered twice. A handler that throws answers `ok: false`.
 */
import { MessageType, Priority, type BodyOf, type ResponseOf } from '../../../../src-shared/protocol';
import { BoundedMap } from '../../../../src-shared/events/bounded';
import type { UpServer } from '../server';
import type { ServerSession } from '../session';

export type RemoteHandler = (session: ServerSession, data: unknown, name: string) => unknown | Promise<unknown>;

export interface EventsModuleOptions {
  readonly remote?: Readonly<Record<string, RemoteHandler>>;
  /** Trigger ids remembered for idempotent answers. */
  readonly dedupe?: number;
}

function matches(pattern: string, name: string): boolean {
  if (pattern === '*' || pattern === '**') return true;
  if (pattern.endsWith('.*')) {
    const prefix = pattern.slice(0, -1);
    return name.startsWith(prefix) && !name.slice(prefix.length).includes('.');
  }
  if (pattern.endsWith('.**')) return name.startsWith(pattern.slice(0, -2));
  return pattern === name;
}

export function attachEvents(server: UpServer, opts: EventsModuleOptions = {}): { delivered: number } {
  const handlers = Object.entries(opts.remote ?? {});
  const answered = new BoundedMap<string, ResponseOf<'EVENT_RESPONSE'>>(opts.dedupe ?? 10_000);
  const stats = { delivered: 0 };
  server.handle('EVENT_TRIGGER', async (ctx) => {
    const ev = ctx.frame.body as BodyOf<'EVENT_TRIGGER'>;
    const key = `${ctx.session.id}:${ev.id}`;
    const earlier = answered.get(key);
    if (earlier) {
      ctx.reply(MessageType.EVENT_RESPONSE, earlier);
      return;
    }
    let res: ResponseOf<'EVENT_RESPONSE'>;
    if (ev.scope === 'remote') {
      const handler = handlers.find(([pattern]) => matches(pattern, ev.name))?.[1];
      if (!handler) res = { id: ev.id, ok: false, error: `no handler for event "${ev.name}"` };
      else {
        try {
          const data = await handler(ctx.session, ev.data, ev.name);
          res = { id: ev.id, ok: true, ...(data !== undefined ? { data } : {}) };
        } catch (e) {
          res = { id: ev.id, ok: false, error: (e as Error).message };
        }
      }
    } else {
      const body: BodyOf<'EVENT_BROADCAST'> = {
        id: ev.id,
        name: ev.name,
        source: ctx.session.playerId,
        ...(ev.data !== undefined ? { data: ev.data } : {}),
        ts: Date.now(),
      };
      let delivered = 0;
      if (ev.scope === 'broadcast') {
        for (const s of server.sessions.values()) {
          if (s === ctx.session) continue;
          s.push(MessageType.EVENT_BROADCAST, body, Priority.NORMAL);
          delivered++;
        }
      } else {
        const targets = new Set((ev.targets ?? []).map(String));
        for (const s of server.sessions.values()) {
          if (!targets.has(s.playerId)) continue;
          s.push(MessageType.EVENT_BROADCAST, body, Priority.NORMAL);
          delivered++;
        }
      }
      stats.delivered += delivered;
      res = { id: ev.id, ok: true, data: { delivered } };
    }
    answered.set(key, res);
    if (ctx.conn.isOpen) ctx.reply(MessageType.EVENT_RESPONSE, res);
  });
  return stats;
}
