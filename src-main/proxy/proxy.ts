/**
 * The protocol proxy: listens on one address, forwards every connection to
 * one upstream, and turns what crosses into message records, metrics and
 * (optionally) captures — for any dialect (see dialect.ts). The UI, the
 * capture writer and the state tracker are listeners of its events.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { EventEmitter } from 'node:events';
import type { MessageRecord, MessageSummary } from '../../src-shared/records';
import type { Dialect, ProxyMessage, ProxyMode } from './dialect';
import { FaultEngine } from './faults/engine';
import { ProxyMetrics } from './metrics/metrics';
import { RecordStore } from './records';
import { ProxySession, type ProxySessionInfo } from './session';

export interface ProxyOptions {
  readonly listen: { readonly host: string; readonly port: number };
  readonly target: { readonly host: string; readonly port: number };
  readonly dialect: Dialect;
  readonly mode: ProxyMode;
  readonly faults?: FaultEngine;
  /** Records kept in memory with their bodies for the UI (older ones are in the capture). */
  readonly keepRecords?: number;
  /** Most bytes (wire + plaintext) those records hold in memory (default 64 MiB); the oldest go first. */
  readonly keepRecordBytes?: number;
  readonly maxSessions?: number;
  /** A session whose peer leaves a message incomplete this long is closed (default 30 000 ms, the spec's idle timeout). */
  readonly stallMs?: number;
}

export type ProxyEvents = {
  listening: [AddressInfo];
  /**
   * Every message, in id order, once it has been forwarded (the bytes of a
   * chunk are written before its records are published); `pdu` builds the
   * capture bytes on demand. The record's `session` names the session.
   */
  record: [MessageRecord, () => Uint8Array];
  sessionOpen: [ProxySessionInfo];
  sessionUpdate: [ProxySessionInfo];
  sessionClose: [ProxySessionInfo];
};

export class Proxy extends EventEmitter<ProxyEvents> {
  readonly opts: Required<Omit<ProxyOptions, 'faults'>>;
  readonly faults: FaultEngine;
  readonly metrics = new ProxyMetrics();
  readonly records: RecordStore;
  readonly sessions = new Map<number, ProxySession>();
  nextRecordId = 0;
  private nextSessionId = 0;
  private server: Server | null = null;
  private stallTimer: NodeJS.Timeout | null = null;
  private readonly recentlyClosed: ProxySessionInfo[] = [];

  constructor(options: ProxyOptions) {
    super();
    this.setMaxListeners(0);
    this.opts = {
      listen: options.listen,
      target: options.target,
      dialect: options.dialect,
      mode: options.mode,
      keepRecords: options.keepRecords ?? 200_000,
      keepRecordBytes: options.keepRecordBytes ?? 64 << 20,
      maxSessions: options.maxSessions ?? 10_000,
      stallMs: options.stallMs ?? 30_000,
    };
    this.faults = options.faults ?? new FaultEngine();
    const dialect = this.opts.dialect;
    this.records = new RecordStore(this.opts.keepRecords, {
      keepBytes: this.opts.keepRecordBytes,
      ...(dialect.reviveBody ? { reviveBody: (s, plain) => dialect.reviveBody!(s, plain) } : {}),
    });
  }

  async start(): Promise<AddressInfo> {
    const server = createServer({ noDelay: true, pauseOnConnect: false }, (socket) => this.accept(socket));
    server.maxConnections = this.opts.maxSessions;
    this.server = server;
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(this.opts.listen.port, this.opts.listen.host, () => {
        server.off('error', fail);
        ok();
      });
    });
    const addr = server.address() as AddressInfo;
    this.stallTimer = setInterval(() => {
      const now = Date.now();
      for (const s of [...this.sessions.values()]) s.checkStall(now, this.opts.stallMs);
    }, Math.min(1000, Math.max(50, this.opts.stallMs / 4)));
    this.stallTimer.unref();
    this.emit('listening', addr);
    return addr;
  }

  get address(): AddressInfo | null {
    return (this.server?.address() as AddressInfo | null) ?? null;
  }

  accept(socket: Socket): ProxySession {
    const id = ++this.nextSessionId;
    this.metrics.sessionOpened(id);
    const s = new ProxySession(id, socket, this);
    this.sessions.set(id, s);
    this.emit('sessionOpen', s.info());
    return s;
  }

  /**
   * Called by a session for every message. No session info is built per
   * message (it cost two strings and two objects each; listeners that need
   * it follow the session events), and the PDU thunk only with listeners.
   */
  publish(record: MessageRecord, msg: ProxyMessage, session: ProxySession): void {
    this.records.add(record, msg.bodyFromPlain === true);
    if (this.listenerCount('record') > 0) this.emit('record', record, () => session.pduOf(msg));
  }

  sessionClosed(s: ProxySession): void {
    this.sessions.delete(s.id);
    this.metrics.sessionClosed(s.id);
    const info = s.info();
    this.recentlyClosed.push(info);
    if (this.recentlyClosed.length > 1000) this.recentlyClosed.shift();
    this.emit('sessionClose', info);
  }

  /** Open sessions and the last closed ones. */
  sessionInfos(): ProxySessionInfo[] {
    return [...this.recentlyClosed, ...[...this.sessions.values()].map((s) => s.info())];
  }

  summaries(fromId = 0, limit = 1000): MessageSummary[] {
    return this.records.range(fromId, limit);
  }

  async close(): Promise<void> {
    if (this.stallTimer) clearInterval(this.stallTimer);
    const server = this.server;
    this.server = null;
    for (const s of [...this.sessions.values()]) s.close('proxy shutting down', true);
    if (server) await new Promise<void>((ok) => server.close(() => ok()));
  }
}
