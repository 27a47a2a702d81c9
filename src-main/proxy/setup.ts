/**
 * Everything a proxy run needs, from options the CLI and the console share:
 * the dialect, the proxy's identity (decrypt mode), the capture, faults and
 * the /metrics endpoint.
 */
import { join } from 'node:path';
import { Proxy } from './proxy';
import { createUp2Dialect } from './dialects/up2';
import { createOtGameDialect, type OtGameDialectOptions } from './dialects/otgame';
import { FaultEngine } from './faults/engine';
import { serveMetrics } from './metrics/prometheus';
import { codecPorts } from '../net/ports';
import { fingerprint, type KeyPair } from '../net/keys';
import type { IdentityPolicy } from '../net/handshake';
import { loadOrCreateKeys } from '../peers/identity-file';
import { CaptureWriter, attachCapture } from '../capture';
import type { FaultSpec } from '../../src-shared/faults';
import type { ProxyMode } from './dialect';

export interface ProxySetupOptions {
  readonly listen: { host: string; port: number };
  readonly target: { host: string; port: number };
  readonly dialect: 'up2' | 'otgame';
  readonly mode: ProxyMode;
  /** decrypt mode: the proxy's identity (a key file, created when missing, or a key pair). */
  readonly identityFile?: string;
  readonly identity?: KeyPair;
  /** decrypt mode: pin the upstream server's identity. */
  readonly upstreamIdentity?: IdentityPolicy;
  readonly otgame?: OtGameDialectOptions;
  readonly capture?: { path: string; rotateBytes?: number; overwrite?: boolean };
  readonly metricsPort?: number;
  readonly faults?: readonly FaultSpec[];
  readonly seed?: number;
  readonly redact?: boolean;
  readonly keepRecords?: number;
  /** Most bytes (wire + plaintext) the kept records hold in memory (default 64 MiB). */
  readonly keepRecordBytes?: number;
}

export interface ProxyRun {
  readonly proxy: Proxy;
  readonly address: { host: string; port: number };
  readonly identity: KeyPair | null;
  readonly fingerprint: string | null;
  readonly capture: CaptureWriter | null;
  readonly metricsUrl: string | null;
  close(): Promise<void>;
}

export async function startProxy(opts: ProxySetupOptions): Promise<ProxyRun> {
  let identity: KeyPair | null = null;
  if (opts.dialect === 'up2' && opts.mode === 'decrypt') {
    identity = opts.identity ?? loadOrCreateKeys(opts.identityFile ?? join(process.cwd(), 'otbridge-proxy-keys.json')).identity;
  }
  const dialect =
    opts.dialect === 'otgame'
      ? createOtGameDialect(opts.otgame ?? {})
      : createUp2Dialect({
          ...(identity ? { identity } : {}),
          ...(opts.upstreamIdentity ? { upstreamIdentity: opts.upstreamIdentity } : {}),
          maxPayload: 16 << 20,
          ports: codecPorts,
          redact: opts.redact ?? true,
        });
  const faults = new FaultEngine(opts.seed);
  for (const f of opts.faults ?? []) faults.add(f);
  const proxy = new Proxy({
    listen: opts.listen,
    target: opts.target,
    mode: opts.mode,
    dialect,
    faults,
    ...(opts.keepRecords ? { keepRecords: opts.keepRecords } : {}),
    ...(opts.keepRecordBytes ? { keepRecordBytes: opts.keepRecordBytes } : {}),
  });
  const addr = await proxy.start();
  let capture: CaptureWriter | null = null;
  let detach: (() => void) | null = null;
  if (opts.capture) {
    capture = await CaptureWriter.open(opts.capture.path, {
      ...(opts.capture.rotateBytes !== undefined ? { rotateBytes: opts.capture.rotateBytes } : {}),
      ...(opts.capture.overwrite ? { overwrite: true } : {}),
    });
    detach = attachCapture(proxy, capture);
  }
  let metrics: { port: number; close(): Promise<void> } | null = null;
  if (opts.metricsPort !== undefined) metrics = await serveMetrics(() => proxy.metrics.snapshot(), opts.metricsPort, opts.listen.host);
  return {
    proxy,
    address: { host: addr.address, port: addr.port },
    identity,
    fingerprint: identity ? fingerprint(identity.publicRaw) : null,
    capture,
    metricsUrl: metrics ? `http://${opts.listen.host}:${metrics.port}/metrics` : null,
    async close() {
      await proxy.close();
      detach?.();
      await capture?.close();
      await metrics?.close();
    },
  };
}
