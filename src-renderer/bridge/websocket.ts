/**
 * The contract over WebSocket, for the web shell. Requests are matched to
 * responses by id; the socket reconnects with backoff if the shell restarts,
 * and requests made while it is down wait for it.
 */
import type { Bridge, EventChannel, RequestChannel, WireMessage } from '../../src-shared/ipc/contract';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

export type ConnectionState = 'connecting' | 'open' | 'closed';

export class WebSocketBridge implements Bridge {
  private ws: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly queue: string[] = [];
  private readonly listeners = new Map<string, Set<(p: unknown) => void>>();
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private retry = 0;
  state: ConnectionState = 'connecting';

  constructor(private readonly url: string) {
    this.connect();
  }

  private setState(s: ConnectionState): void {
    this.state = s;
    for (const l of this.stateListeners) l(s);
  }

  onState(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private connect(): void {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    this.setState('connecting');
    ws.onopen = () => {
      this.retry = 0;
      this.setState('open');
      for (const m of this.queue.splice(0)) ws.send(m);
    };
    ws.onmessage = (ev) => this.receive(String(ev.data));
    ws.onclose = () => {
      this.setState('closed');
      for (const p of this.pending.values()) p.reject(new Error('connection to the console closed'));
      this.pending.clear();
      const delay = Math.min(5000, 250 * 2 ** this.retry++);
      setTimeout(() => this.connect(), delay);
    };
  }

  private receive(text: string): void {
    let m: WireMessage;
    try {
      m = JSON.parse(text) as WireMessage;
    } catch {
      return;
    }
    if (m.t === 'res') {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.r);
      else p.reject(Object.assign(new Error(m.e.message), { code: m.e.code }));
    } else if (m.t === 'evt') {
      const set = this.listeners.get(m.ch);
      if (set) for (const l of set) l(m.p);
    }
  }

  invoke<C extends RequestChannel>(channel: C, params: unknown): Promise<never> {
    const id = this.nextId++;
    const text = JSON.stringify({ t: 'req', id, ch: channel, p: params } satisfies WireMessage);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
      else this.queue.push(text);
    });
  }

  on<C extends EventChannel>(channel: C, listener: (payload: never) => void): () => void {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    const l = listener as (p: unknown) => void;
    set.add(l);
    return () => set.delete(l);
  }
}
