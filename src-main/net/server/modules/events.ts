/**
 * EVENT_TRIGGER on the server (spec §5), over the shared ServerEvents of
 * src-shared/events: `remote` events are answered by the handler
 * registered for their name (wildcards allowed), `broadcast` and `targeted`
 * ones become EVENT_BROADCAST deliveries — queued for sessions that are
 * away and delivered after their resume. A trigger resent with the same id
 * gets the same answer and is not delivered twice.
 */
import { MessageType, Priority, type BodyOf, type ResponseOf } from '../../../../src-shared/protocol';
import { ServerEvents, type Delivery } from '../../../../src-shared/events';
import type { UpServer } from '../server';
import type { ServerSession } from '../session';

export type RemoteHandler = (session: ServerSession, data: unknown, name: string) => unknown | Promise<unknown>;

export interface EventsModule {
  readonly events: ServerEvents;
  /** Sends a delivery (from a trigger or from the server itself) to its sessions. */
  deliver(d: Delivery): number;
  /** The server's own event, to everyone or to some players. */
  broadcast(name: string, data?: unknown, targets?: readonly string[]): number;
}

export function attachEvents(server: UpServer, opts: { remote?: Readonly<Record<string, RemoteHandler>> } = {}): EventsModule {
  const events = new ServerEvents();
  for (const [pattern, handler] of Object.entries(opts.remote ?? {})) {
    events.handle(pattern, (ev, from) => {
      const session = server.sessionOfPlayer(String(from));
      if (!session) throw new Error('the sender has no session');
      return handler(session, ev.data, ev.name);
    });
  }
  const deliver = (d: Delivery): number => {
    let n = 0;
    const body = d.body as BodyOf<'EVENT_BROADCAST'>;
    if (d.to === 'all') {
      for (const s of server.sessions.values()) {
        s.push(MessageType.EVENT_BROADCAST, body, Priority.NORMAL);
        n++;
      }
      return n;
    }
    for (const target of d.to) {
      const s = server.sessionOfPlayer(String(target));
      if (!s) continue;
      s.push(MessageType.EVENT_BROADCAST, body, Priority.NORMAL);
      n++;
    }
    return n;
  };
  server.handle('EVENT_TRIGGER', async (ctx) => {
    const out = await events.trigger(ctx.session.playerId, ctx.frame.body);
    for (const d of out.deliveries) deliver(d);
    if (ctx.conn.isOpen) ctx.reply(MessageType.EVENT_RESPONSE, out.response as ResponseOf<'EVENT_RESPONSE'>);
  });
  return {
    events,
    deliver,
    broadcast: (name, data, targets) => deliver(events.broadcast(name, data, targets)),
  };
}
