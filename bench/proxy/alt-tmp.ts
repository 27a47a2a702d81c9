import { ask, child, next, stop } from '../child';
import type { RunAsk, RunDone } from './load-proc';
const MODE = process.env.MODE ?? 'decrypt';
const server = child('peers/server-proc.ts', { BOTS: '30', FAST_SCRYPT: '1' });
const target = await next<{ port: number; identity: string }>(server, 'ready');
import { fork } from 'node:child_process';
import { join } from 'node:path';
const relay = fork(join(import.meta.dirname, 'relay-proc.ts'), [], { execArgv: ['--import', 'tsx', ...(process.env.RELAY_ARGS ?? '').split(' ').filter(Boolean)], env: { ...process.env, MODE, TARGET_PORT: String(target.port), TARGET_IDENTITY: target.identity, ...(MODE === 'decrypt' && !process.env.NOCAP ? { CAPTURE: '1' } : {}) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const r = await next<{ port: number; identity?: string }>(relay, 'ready');
const load = child('proxy/load-proc.ts', { PORT: String(r.port), IDENTITY: r.identity ?? target.identity, CLIENTS: '20', FIRST_ACCOUNT: '1' });
await next(load, 'ready');
const run = (a: Omit<RunAsk, 'cmd'>): Promise<RunDone> => { const x = next<RunDone>(load, 'run', (a.seconds + 60) * 1000); load.send({ cmd: 'run', ...a }); return x; };
await run({ rate: 0, window: 8, seconds: 1 });
for (let i = 0; i < Number(process.env.N ?? 4); i++) {
  const c0 = await ask<{ us: number, gcCount: number, gcMs: number }>(relay, 'cpu');
  const d = await run({ rate: 0, window: 8, seconds: 5 });
  const c1 = await ask<{ us: number, gcCount: number, gcMs: number }>(relay, 'cpu');
  console.log('closed', i, Math.round(d.messages / d.seconds), ((c1.us - c0.us) / d.messages).toFixed(1), 'gc', c1.gcCount, c1.gcMs.toFixed(0));
  await new Promise((res) => setTimeout(res, Number(process.env.IDLE ?? 0) * 1000));
}
await stop(load); await stop(relay); await stop(server);
