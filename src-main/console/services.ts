/**
 * The console's services facade: one dispatch table for every request
 * channel of src-shared/ipc, events to every UI or to one, and the live
 * source behind them (the built-in demo, or a proxy the user configured).
 * The Electron shell, the web shell and the tests attach to it; it knows
 * nothing of either transport.
 */
import { formatOfPath } from '../../src-shared/capture-format';
import { EventEmitter } from 'node:events';
import {
  ServiceError,
  isRequestChannel,
  type EventChannel,
  type EventOf,
  type ParamsOf,
  type ProxyStatus,
  type RequestChannel,
  type ResultOf,
  type SessionRow,
  type SourceRef,
  type CaptureInfo,
  type TrafficSubscription,
} from '../../src-shared/ipc/contract';
import { compileFilter } from '../../src-shared/filter';
import type { FaultSpec } from '../../src-shared/faults';
import { APP } from './app-info';
import { Demo, type DemoOptions } from './demo';
import { TrafficHub, clampBacklog } from './traffic';
import { messageDetail } from './detail';
import { CaptureSource, LiveSource, type RecordSource } from './sources';
import { saveSource } from './save';
import { UploadStore } from './uploads';
import { startProxy, type ProxyRun, type ProxySetupOptions } from '../proxy/setup';
import { StateTracker } from '../proxy/dialects/up2/state-tracker';

export type Handler<C extends RequestChannel> = (params: ParamsOf<C>, client: UiClient) => Promise<ResultOf<C>> | ResultOf<C>;
export type Handlers = { [C in RequestChannel]: Handler<C> };

/**
 * A domain's services (replay, migrations, config, audit): its request
 * handlers, and what to do when the console starts and stops. Each lives in
 * src-main/console/modules/<domain>.ts and is listed in modules/index.ts.
 */
export interface ServiceModule {
  readonly name: string;
  readonly handlers: Partial<Handlers>;
  start?(services: ConsoleServices): void | Promise<void>;
  close?(): void | Promise<void>;
}

export interface UiClient {
  readonly id: number;
  send<C extends EventChannel>(channel: C, payload: EventOf<C>): void;
}

export interface ServicesOptions {
  readonly shell: 'electron' | 'web' | 'cli';
  /** Run the built-in demo (reference server + proxy + bots). */
  readonly demo?: DemoOptions | false;
  /** Or a proxy of the user's. */
  readonly proxy?: ProxySetupOptions;
  readonly log?: (event: string, fields?: Record<string, unknown>) => void;
}

export interface UiConnection {
  readonly id: number;
  handle(channel: unknown, params: unknown): Promise<unknown>;
  close(): void;
}

/** The answer of a shell without native dialogs: a browser cannot give the services a path. */
const noDialogs = (): never => {
  throw new ServiceError('UNAVAILABLE', 'file dialogs exist only in the Electron shell: a browser cannot hand the console a path, so type it (or drop a capture on the window)');
};

export class ConsoleServices {
  private readonly events = new EventEmitter();
  private readonly handlers: Partial<Handlers>;
  private readonly modules: ServiceModule[] = [];
  private readonly clients = new Map<number, UiClient>();
  private nextClient = 1;
  readonly startedAt = Date.now();
  private demo: Demo | null = null;
  private run: ProxyRun | null = null;
  readonly state = new StateTracker();
  private readonly traffic: TrafficHub;
  private readonly live: LiveSource;
  private readonly captures = new Map<number, CaptureSource>();
  private nextCapture = 1;
  private readonly uploads = new UploadStore();
  private readonly uploadOf = new Map<number, string>();
  private metricsTimer: NodeJS.Timeout | null = null;
  private sessionsTimer: NodeJS.Timeout | null = null;
  private sessionsDirty = false;

  constructor(
    readonly options: ServicesOptions,
    modules: readonly ServiceModule[] = [],
  ) {
    this.events.setMaxListeners(0);
    this.live = new LiveSource(
      () => this.run?.proxy.records ?? null,
      () => this.run?.capture?.path ?? null,
      () => this.run?.capture?.flush(),
    );
    this.traffic = new TrafficHub(
      this.live,
      (clientId, subscription, rows) => this.clients.get(clientId)?.send('traffic.rows', { subscription, rows }),
    );
    this.handlers = {
      'app.info': () => ({
        name: APP.name,
        version: APP.version,
        shell: options.shell,
        platform: `${process.platform}-${process.arch}`,
        node: process.versions.node,
        startedAt: this.startedAt,
        protocol: APP.protocol,
        capabilities: { dialogs: this.modules.some((m) => m.handlers['dialog.open'] !== undefined) },
      }),
      'app.ping': ({ t }) => ({ t, serverTime: Date.now() }),
      'proxy.status': () => this.status(),
      'sessions.list': () => this.sessionRows(),
      'traffic.subscribe': (p, client) => this.subscribeTraffic(p, client.id),
      'traffic.pause': (p, client) => ({ paused: this.traffic.pause(client.id, !!p?.paused) }),
      'traffic.page': async (p) => {
        const compiled = compileFilter(String(p?.filter ?? ''));
        if (!compiled.ok) return { rows: [], hasMore: false, filterError: compiled.error };
        const scan = await this.source(p?.source).scanBack(compiled.match, Number(p?.beforeId), Math.max(1, Math.min(10_000, Number(p?.limit ?? 1000))));
        return { rows: scan.rows, hasMore: scan.hasOlder, filterError: null };
      },
      'traffic.detail': async (p) => {
        const src = this.source(p?.source);
        const r = await src.get(Number(p?.id));
        return r ? messageDetail(r, (await src.pairOf(r)) ?? null) : null;
      },
      'state.versions': async (p) => (await this.tracker(p?.source)).versions(Number(p?.session)),
      'state.at': async (p) => {
        const s = (await this.tracker(p?.source)).at(Number(p?.session), Number(p?.version));
        return s === undefined ? null : { version: Number(p.version), state: s };
      },
      'state.diff': async (p) => {
        const ops = (await this.tracker(p?.source)).diff(Number(p?.session), Number(p?.from), Number(p?.to));
        return ops ? { ops } : null;
      },
      'conflicts.list': async (p) => (await this.tracker(p?.source)).listConflicts({ ...(p?.session !== undefined ? { session: p.session } : {}), ...(p?.pathPrefix ? { pathPrefix: p.pathPrefix } : {}) }),
      'capture.open': (p) => this.openCapture(String(p?.path ?? '')),
      'capture.upload': async (p) => {
        const r = this.withBadInput(() => this.uploads.add(p));
        if (!r.done) return { uploadId: r.uploadId, received: r.received, capture: null };
        try {
          const capture = await this.openCapture(r.path, p.name);
          // The file stays while the capture is open (the reader reads it by path).
          this.uploadOf.set(capture.id, r.uploadId);
          return { uploadId: r.uploadId, received: r.received, capture };
        } catch (e) {
          this.uploads.forget(r.uploadId);
          throw e;
        }
      },
      'capture.list': () => [...this.captures.values()].map((c) => c.info()),
      'capture.close': async (p) => {
        const c = this.captures.get(Number(p?.id));
        if (!c) return { closed: false };
        this.captures.delete(c.id);
        await c.close();
        const upload = this.uploadOf.get(c.id);
        if (upload) this.uploads.forget(upload);
        this.uploadOf.delete(c.id);
        this.emit('captures.changed', [...this.captures.values()].map((x) => x.info()));
        return { closed: true };
      },
      'capture.save': async (p) => {
        const ref = p?.source ?? 'live';
        if (typeof p?.path !== 'string' || !p.path) throw new ServiceError('BAD_REQUEST', 'capture.save needs a path');
        const format = p.format ?? formatOfPath(p.path) ?? 'pcapng';
        return saveSource(ref === 'live' ? { kind: 'live', run: this.requireRun() } : { kind: 'capture', source: this.captureOf(ref.capture) }, p.path, format);
      },
      'metrics.snapshot': () => this.requireRun().proxy.metrics.snapshot(),
      'faults.list': () => this.requireRun().proxy.faults.list(),
      'faults.add': (spec) => this.withBadInput(() => this.requireRun().proxy.faults.add(spec as FaultSpec)),
      'faults.update': (p) => this.withBadInput(() => this.requireRun().proxy.faults.update(String(p?.id), p?.patch ?? {})),
      'faults.remove': (p) => ({ removed: this.requireRun().proxy.faults.remove(String(p?.id)) }),
    } satisfies Partial<Handlers>;
    for (const m of modules) {
      for (const ch of Object.keys(m.handlers)) {
        if (ch in this.handlers) throw new Error(`service module ${m.name}: channel ${ch} is already handled`);
      }
      Object.assign(this.handlers, m.handlers);
      this.modules.push(m);
    }
    // Only a shell with native dialogs (Electron) adds a module answering these; elsewhere say why not.
    this.handlers['dialog.open'] ??= noDialogs;
    this.handlers['dialog.save'] ??= noDialogs;
  }

  private captureOf(id: number): CaptureSource {
    const c = this.captures.get(Number(id));
    if (!c) throw new ServiceError('NOT_FOUND', `no capture ${id} is open (open one with capture.open)`);
    return c;
  }

  private source(ref: SourceRef | undefined): RecordSource {
    return ref === undefined || ref === 'live' ? this.live : this.captureOf(ref.capture);
  }

  private async tracker(ref: SourceRef | undefined): Promise<StateTracker> {
    return ref === undefined || ref === 'live' ? this.state : this.captureOf(ref.capture).state();
  }

  private async subscribeTraffic(p: ParamsOf<'traffic.subscribe'>, clientId: number): Promise<TrafficSubscription> {
    const filter = String(p?.filter ?? '');
    if (p?.source === undefined || p.source === 'live') return this.traffic.subscribe(clientId, filter, p?.backlog, p?.paused ?? false);
    // A capture has no live part: the newest matching rows, and older ones by paging.
    this.traffic.unsubscribe(clientId);
    const compiled = compileFilter(filter);
    const subscription = this.traffic.nextSubscription();
    if (!compiled.ok) return { subscription, rows: [], newestId: 0, hasOlder: false, filterError: compiled.error };
    const scan = await this.captureOf(p.source.capture).scanBack(compiled.match, Number.MAX_SAFE_INTEGER, clampBacklog(p.backlog));
    return { subscription, rows: scan.rows, newestId: scan.rows.length ? scan.rows[scan.rows.length - 1]!.id : 0, hasOlder: scan.hasOlder, filterError: null };
  }

  private async openCapture(path: string, name?: string): Promise<CaptureInfo> {
    if (!path) throw new ServiceError('BAD_REQUEST', 'capture.open needs a path');
    let src: CaptureSource;
    try {
      src = await CaptureSource.open(this.nextCapture++, path, name);
    } catch (e) {
      throw new ServiceError('BAD_CAPTURE', (e as Error).message);
    }
    this.captures.set(src.id, src);
    this.emit('captures.changed', [...this.captures.values()].map((c) => c.info()));
    return src.info();
  }

  private withBadInput<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      throw new ServiceError('BAD_REQUEST', (e as Error).message);
    }
  }

  private requireRun(): ProxyRun {
    if (!this.run) throw new ServiceError('NO_PROXY', 'no proxy is running: start the console with the demo, or with --listen and --target');
    return this.run;
  }

  /** Starts the demo or the configured proxy. */
  async start(): Promise<void> {
    for (const m of this.modules) await m.start?.(this);
    if (this.options.demo !== false && !this.options.proxy) {
      this.demo = await Demo.start({
        ...(this.options.demo ?? {}),
        ...(this.options.log ? { log: this.options.log } : {}),
        onProxy: (run) => this.attach(run),
      });
      // The demo's bots are in now: the status carries them.
      this.emit('proxy.status', this.status());
    } else if (this.options.proxy) {
      this.attach(await startProxy(this.options.proxy));
    }
  }

  private attach(run: ProxyRun): void {
    this.run = run;
    const proxy = run.proxy;
    proxy.on('record', (r) => {
      this.traffic.onRecord(r);
      this.state.onRecord(r);
    });
    const touched = (): void => {
      this.sessionsDirty = true;
    };
    proxy.on('sessionOpen', touched);
    proxy.on('sessionUpdate', touched);
    proxy.on('sessionClose', (info) => {
      touched();
      void info;
    });
    proxy.faults.on('changed', (faults) => this.emit('faults.changed', faults));
    this.state.on('conflict', (row) => this.emit('conflicts.added', [row]));
    this.state.on('version', (session, row) => this.emit('state.version', { session, row }));
    let lastFaultCounts = '';
    this.metricsTimer = setInterval(() => {
      this.emit('metrics.tick', proxy.metrics.snapshot());
      // What each fault did so far (matched/applied) changes with traffic, not only on edits.
      const faults = proxy.faults.list();
      const counts = faults.map((f) => `${f.id}:${f.matched}:${f.applied}`).join(',');
      if (counts !== lastFaultCounts) {
        lastFaultCounts = counts;
        this.emit('faults.changed', faults);
      }
    }, 1000);
    this.metricsTimer.unref();
    // Session lists change often under load: at most four updates a second.
    this.sessionsTimer = setInterval(() => {
      if (!this.sessionsDirty) return;
      this.sessionsDirty = false;
      this.emit('sessions.changed', this.sessionRows());
    }, 250);
    this.sessionsTimer.unref();
    this.emit('proxy.status', this.status());
  }

  status(): ProxyStatus {
    const run = this.run;
    if (!run) {
      return { running: false, listen: null, target: null, mode: null, dialect: null, identityFingerprint: null, capture: null, demo: null, metricsUrl: null };
    }
    const o = run.proxy.opts;
    const cap = run.capture;
    return {
      running: run.proxy.address !== null,
      listen: `${run.address.host}:${run.address.port}`,
      target: `${o.target.host}:${o.target.port}`,
      mode: o.mode,
      dialect: o.dialect.name,
      identityFingerprint: run.fingerprint,
      capture: cap ? { path: cap.currentPath, records: cap.stats.records, bytes: cap.stats.bytes } : null,
      demo: this.demo ? { server: `${this.demo.serverAddress.host}:${this.demo.serverAddress.port}`, bots: this.demo.fleet.connected } : null,
      metricsUrl: run.metricsUrl,
    };
  }

  sessionRows(): SessionRow[] {
    const captured = [...this.captures.values()].flatMap((c) => c.sessionRows());
    return [...this.liveSessionRows(), ...captured];
  }

  private liveSessionRows(): SessionRow[] {
    const run = this.run;
    if (!run) return [];
    const m = run.proxy.metrics;
    return run.proxy.sessionInfos().map((s) => {
      const stats = m.session(s.id);
      const f = s.facts;
      return {
        id: s.id,
        source: 'live' as const,
        dialect: s.dialect,
        mode: s.mode,
        client: s.client,
        upstream: s.upstream,
        account: typeof f.account === 'string' ? f.account : null,
        playerId: typeof f.playerId === 'string' || typeof f.playerId === 'number' ? f.playerId : null,
        openedAt: s.openedAt,
        closedAt: s.closedAt,
        closeReason: s.closeReason,
        stateVersion: this.state.stateVersion(s.id),
        messages: s.messages.c2s + s.messages.s2c,
        errors: stats?.errors ?? 0,
        msgPerSec: stats?.msgPerSec ?? 0,
        facts: f,
      };
    });
  }

  /** A UI connects: its events go through `send`. */
  connect(send: <C extends EventChannel>(channel: C, payload: EventOf<C>) => void): UiConnection {
    const client: UiClient = { id: this.nextClient++, send };
    this.clients.set(client.id, client);
    return {
      id: client.id,
      handle: (channel, params) => this.handle(channel, params, client),
      close: () => {
        this.clients.delete(client.id);
        this.traffic.unsubscribe(client.id);
      },
    };
  }

  /** Runs a request from a UI. Unknown channels and handler failures become ServiceErrors. */
  async handle(channel: unknown, params: unknown, client: UiClient = { id: 0, send: () => {} }): Promise<unknown> {
    if (!isRequestChannel(channel)) throw new ServiceError('UNKNOWN_CHANNEL', `no such request channel: ${String(channel)}`);
    const handler = this.handlers[channel] as ((p: unknown, c: UiClient) => unknown) | undefined;
    if (!handler) throw new ServiceError('UNAVAILABLE', `${channel} is not available in this console`);
    try {
      return await handler(params, client);
    } catch (e) {
      if (e instanceof ServiceError) throw e;
      throw new ServiceError('INTERNAL', (e as Error).message);
    }
  }

  /** An event for every connected UI. */
  emit<C extends EventChannel>(channel: C, payload: EventOf<C>): void {
    for (const c of this.clients.values()) c.send(channel, payload);
    this.events.emit('event', channel, payload);
  }

  /** Every broadcast event (for tests and logs). */
  subscribe(listener: (channel: EventChannel, payload: unknown) => void): () => void {
    this.events.on('event', listener);
    return () => this.events.off('event', listener);
  }

  async close(): Promise<void> {
    if (this.metricsTimer) clearInterval(this.metricsTimer);
    if (this.sessionsTimer) clearInterval(this.sessionsTimer);
    this.traffic.close();
    this.events.removeAllListeners();
    for (const m of this.modules) await m.close?.();
    await this.live.close();
    for (const c of this.captures.values()) await c.close();
    this.captures.clear();
    this.uploads.clear();
    if (this.demo) await this.demo.stop();
    else await this.run?.close();
    this.demo = null;
    this.run = null;
  }
}
