/**
 * Server replay: listens like a Canary-side server and serves live clients
 * from a capture — each client that logs in gets a captured session of its
 * account (the next one not served yet, else the first again), answered
 * and pushed to as the capture says. For testing an OTClient-side build
 * without a server: the capture is the server.
 */
import { createServer, type AddressInfo, type Server } from 'node:net';
import { fingerprint, generateKeyPair, type KeyPair } from '../../net/keys';
import { TokenService } from '../../net/auth/tokens';
import { buildRules, type ReplayRules, type RuleOptions } from '../rules';
import { buildScript, type SessionScript } from '../script';
import { ReplaySource } from '../source';
import { ReplayError } from '../errors';
import { MockSession } from './mock-session';
import { type MockClientReport, type MockReport } from './types';

export interface MockServerOptions {
  readonly capture: string;
  readonly sessions?: readonly number[];
  readonly host?: string;
  readonly port?: number;
  /** Our identity (clients pin it) and token key; fresh ones when absent. */
  readonly keys?: { readonly identity: KeyPair; readonly tokenKey: KeyPair };
  /** Push timing factor, 0.1 … 100 (default 1). */
  readonly speed?: number;
  /** Answer requests that match nothing with ERROR NOT_FOUND (default: leave them unanswered, as the capture has no answer). */
  readonly answerUnmatched?: boolean;
  readonly rules?: RuleOptions;
  readonly allowDamage?: boolean;
  readonly log?: (event: string, fields?: Record<string, unknown>) => void;
}

export class MockServer {
  private readonly live = new Set<MockSession>();
  private readonly finished: MockClientReport[] = [];
  private readonly served = new Map<number, number>();
  private server: Server | null = null;
  /** Resolves after each client's connection closes. */
  onClientDone: ((r: MockClientReport) => void) | null = null;

  private constructor(
    readonly opts: MockServerOptions,
    private readonly scripts: readonly SessionScript[],
    readonly identity: KeyPair,
    private readonly tokens: TokenService,
    private readonly rules: ReplayRules,
  ) {}

  static async start(opts: MockServerOptions): Promise<MockServer> {
    const speed = opts.speed ?? 1;
    if (!Number.isFinite(speed) || speed < 0.1 || speed > 100) throw new ReplayError('BAD_OPTION', `speed must be between 0.1 and 100, got ${speed}`);
    const rules = buildRules(opts.rules);
    const source = await ReplaySource.open(opts.capture, { allowDamage: opts.allowDamage ?? false });
    let scripts: SessionScript[];
    try {
      const selected = source.select(opts.sessions);
      scripts = [];
      for (const s of selected) scripts.push(buildScript(s.session, source.meta(s.session), await source.records(s.session)));
    } finally {
      await source.close();
    }
    const keys = opts.keys ?? { identity: generateKeyPair('ed25519'), tokenKey: generateKeyPair('ed25519') };
    const tokens = new TokenService({ issuer: 'otbridge-replay', signingKey: keys.tokenKey.privateKey });
    const m = new MockServer(opts, scripts, keys.identity, tokens, rules);
    await m.listen(opts.host ?? '127.0.0.1', opts.port ?? 0);
    return m;
  }

  get fingerprint(): string {
    return fingerprint(this.identity.publicRaw);
  }

  get address(): { host: string; port: number } {
    const a = this.server?.address() as AddressInfo | null;
    return { host: a?.address ?? '', port: a?.port ?? 0 };
  }

  /** Sessions it can serve, with their accounts. */
  get sessions(): readonly { session: number; account: string | null; steps: number }[] {
    return this.scripts.map((s) => ({ session: s.session, account: s.account, steps: s.steps.length }));
  }

  private async listen(host: string, port: number): Promise<void> {
    const server = createServer({ noDelay: true }, (socket) => {
      const session = new MockSession(socket, {
        pick: (account) => this.pick(account),
        identity: this.identity,
        tokens: this.tokens,
        speed: this.opts.speed ?? 1,
        answerUnmatched: this.opts.answerUnmatched ?? false,
        rules: this.rules,
        ...(this.opts.log ? { log: this.opts.log } : {}),
      });
      this.live.add(session);
      this.opts.log?.('client', { client: session.conn.remote });
      void session.done.then(() => {
        this.live.delete(session);
        const r = session.report();
        this.finished.push(r);
        this.onClientDone?.(r);
      });
    });
    this.server = server;
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(port, host, () => {
        server.off('error', fail);
        ok();
      });
    });
  }

  /** The next captured session of this account not served yet, else the first of it again; one session alone serves anyone. */
  private pick(account: string | null): SessionScript | string {
    const mine = this.scripts.filter((s) => account === null || s.account === account);
    const pool = mine.length ? mine : this.scripts.length === 1 ? this.scripts : [];
    if (!pool.length) {
      return `no captured session for account "${account}" (the capture has ${[...new Set(this.scripts.map((s) => s.account ?? '?'))].join(', ')})`;
    }
    const fresh = pool.find((s) => !this.served.has(s.session)) ?? pool[0]!;
    this.served.set(fresh.session, (this.served.get(fresh.session) ?? 0) + 1);
    return fresh;
  }

  report(): MockReport {
    const clients = [...this.finished, ...[...this.live].map((s) => s.report())];
    const clean = clients.every((c) => c.unmatched.length === 0 && c.moreUnmatched === 0);
    const a = this.address;
    return {
      format: 'otbridge-replay-serve',
      version: 1,
      capture: this.opts.capture,
      listen: `${a.host}:${a.port}`,
      identityFingerprint: this.fingerprint,
      clients,
      verdict: clean ? 'matched' : 'unexpected',
      exitCode: clean ? 0 : 1,
    };
  }

  async close(): Promise<MockReport> {
    const server = this.server;
    this.server = null;
    for (const s of this.live) s.close('server replay stopping');
    await Promise.all([...this.live].map((s) => Promise.race([s.done, new Promise((r) => setTimeout(r, 3000))])));
    const report = this.report();
    if (server) await new Promise<void>((ok) => server.close(() => ok()));
    return report;
  }
}
