/**
 * The built-in demo: the reference server, the proxy in decrypt mode in
 * front of it, and a few bots playing through the proxy — so a newcomer sees
 * live traffic, state, conflicts and metrics within seconds.
 */
import { ReferenceServer } from '../peers/server';
import { BotFleet } from '../peers/bot';
import { startProxy, type ProxyRun } from '../proxy/setup';
import { generateKeyPair } from '../net/keys';
import type { ScryptParams } from '../net/auth/passwords';

export interface DemoOptions {
  readonly bots?: number;
  /** 0 = any free port; default: 7180 for the server and 7181 for the proxy when free. */
  readonly serverPort?: number;
  readonly proxyPort?: number;
  readonly host?: string;
  readonly botIntervalMs?: number;
  /** How often the server posts a tip into every player's ui notifications, which bots also clear: the demo's conflicts (default 1000 ms). */
  readonly uiTipsEveryMs?: number;
  readonly capture?: { path: string; overwrite?: boolean };
  /** Records the proxy keeps in memory (older ones are in the capture, if any). */
  readonly keepRecords?: number;
  readonly metricsPort?: number;
  readonly seed?: number;
  readonly scrypt?: ScryptParams;
  readonly log?: (event: string, fields?: Record<string, unknown>) => void;
  /** The demo server's audit log for admin scripts (path); none when absent. */
  readonly auditLog?: string;
  /** Called when the proxy is up, before any bot connects (to listen from the first message). */
  readonly onProxy?: (run: ProxyRun) => void;
}

export class Demo {
  private constructor(
    readonly server: ReferenceServer,
    readonly proxy: ProxyRun,
    readonly fleet: BotFleet,
    readonly serverAddress: { host: string; port: number },
  ) {}

  static async start(opts: DemoOptions = {}): Promise<Demo> {
    const host = opts.host ?? '127.0.0.1';
    const bots = opts.bots ?? 5;
    const server = await ReferenceServer.create({
      host,
      port: opts.serverPort ?? 7180,
      botAccounts: Math.max(bots, 50),
      world: { seed: opts.seed ?? 1 },
      uiTipsEveryMs: opts.uiTipsEveryMs ?? 1000,
      ...(opts.auditLog ? { auditLog: opts.auditLog } : {}),
      ...(opts.scrypt ? { scrypt: opts.scrypt } : {}),
    });
    let serverAddress: { host: string; port: number };
    try {
      serverAddress = await server.listen();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || opts.serverPort !== undefined) throw e;
      await server.close();
      return Demo.start({ ...opts, serverPort: 0, proxyPort: opts.proxyPort ?? 0 });
    }
    const startOn = async (port: number): Promise<ProxyRun> =>
      startProxy({
        listen: { host, port },
        target: serverAddress,
        dialect: 'up2',
        mode: 'decrypt',
        identity: generateKeyPair('ed25519'),
        upstreamIdentity: { pinned: server.identity.publicRaw },
        ...(opts.capture ? { capture: opts.capture } : {}),
        ...(opts.keepRecords ? { keepRecords: opts.keepRecords } : {}),
        ...(opts.metricsPort !== undefined ? { metricsPort: opts.metricsPort } : {}),
        ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      });
    let proxy: ProxyRun;
    try {
      proxy = await startOn(opts.proxyPort ?? 7181);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || opts.proxyPort !== undefined) {
        await server.close();
        throw e;
      }
      proxy = await startOn(0);
    }
    opts.onProxy?.(proxy);
    const fleet = await BotFleet.start({
      host: proxy.address.host,
      port: proxy.address.port,
      identity: { pinned: proxy.identity!.publicRaw },
      count: bots,
      intervalMs: opts.botIntervalMs ?? 400,
      seed: opts.seed ?? 1,
    });
    opts.log?.('demo running', {
      server: `${serverAddress.host}:${serverAddress.port}`,
      proxy: `${proxy.address.host}:${proxy.address.port}`,
      proxyIdentity: Buffer.from(proxy.identity!.publicRaw).toString('base64url'),
      bots: fleet.connected,
    });
    return new Demo(server, proxy, fleet, serverAddress);
  }

  async stop(): Promise<void> {
    await this.fleet.stop();
    await this.proxy.close();
    await this.server.close();
  }
}
