/**
 * The four paths of bench:proxy as long-lived processes: each path has its
 * relay (none for direct) and its own load process with its clients logged
 * in, so the rounds can alternate between paths without reconnecting.
 */
import { type ChildProcess } from 'node:child_process';
import { ask, child, next, stop } from '../child';
import type { RunAsk, RunDone } from './load-proc';

export type PathMode = 'pipe' | 'crypto-floor' | 'passthrough' | 'decrypt' | null;

export interface PathSpec {
  readonly name: string;
  readonly mode: PathMode;
}

export interface Path extends PathSpec {
  /** The relay's CPU time so far (µs) and its GC pauses since the last call; zeros for the direct path. */
  relay(): Promise<RelayStats>;
  run(a: Omit<RunAsk, 'cmd'>): Promise<RunDone>;
  /** Starts or stops timing how long the proxy holds each message (see relay-proc.ts). */
  watch(on: boolean): Promise<void>;
  close(): Promise<void>;
}

export interface RelayStats {
  readonly us: number;
  readonly gcMs: number;
  readonly gcMaxMs: number;
  readonly gcCount: number;
  /** The relay's event-loop delay since the last call: p99 and longest, ms. */
  readonly loopP99Ms: number;
  readonly loopMaxMs: number;
  /** p99 of how long the proxy held a message while watched (null: no proxy, or nothing watched). */
  readonly holdP99Ms: number | null;
}

const NO_RELAY: RelayStats = { us: 0, gcMs: 0, gcMaxMs: 0, gcCount: 0, loopP99Ms: 0, loopMaxMs: 0, holdP99Ms: null };

export interface Target {
  readonly port: number;
  readonly identity: string;
}

/** Starts the relay of `spec` in front of `server`, then `clients` clients through it (accounts from `firstAccount`). */
export async function openPath(spec: PathSpec, server: Target, clients: number, firstAccount: number): Promise<Path> {
  let relay: ChildProcess | null = null;
  let port = server.port;
  let identity = server.identity;
  if (spec.mode) {
    relay = child('proxy/relay-proc.ts', {
      MODE: spec.mode,
      TARGET_PORT: String(server.port),
      TARGET_IDENTITY: server.identity,
      ...(spec.mode === 'decrypt' ? { CAPTURE: '1' } : {}),
    });
    const r = await next<{ port: number; identity?: string }>(relay, 'ready');
    port = r.port;
    if (r.identity) identity = r.identity;
  }
  const load = child('proxy/load-proc.ts', { PORT: String(port), IDENTITY: identity, CLIENTS: String(clients), FIRST_ACCOUNT: String(firstAccount) });
  await next(load, 'ready');
  return {
    ...spec,
    async relay() {
      return relay ? ask<RelayStats>(relay, 'cpu') : NO_RELAY;
    },
    async watch(on) {
      if (relay) await ask(relay, on ? 'watch' : 'unwatch');
    },
    run(a) {
      const answer = next<RunDone>(load, 'run', (a.seconds + 60) * 1000);
      load.send({ cmd: 'run', ...a } satisfies RunAsk);
      return answer;
    },
    async close() {
      await stop(load);
      if (relay) await stop(relay);
    },
  };
}
