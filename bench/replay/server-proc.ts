/**
 * Child process of bench/replay.bench.ts: the reference server (a calm
 * world, no per-connection rate limit), so its CPU is not the bots' or the
 * replay's. Answers `stats` with the frames it has processed.
 */
import '../child-exit';
import { ReferenceServer } from '../../src-main/peers/server';

const bots = Number(process.env.BOTS ?? 64);
const server = await ReferenceServer.create({
  port: 0,
  botAccounts: bots,
  scrypt: { N: 1 << 10, r: 8, p: 1 },
  keys: undefined,
  world: { seed: 5, creatures: 0, creatureStepMs: 1e9, weatherEveryMs: 1e9, msPerGameMinute: 1e9, moveIntervalMs: 0 },
  server: { maxSessions: bots * 4 + 10, rateLimit: { perSecond: 1_000_000, burst: 1_000_000 } },
});
const { port } = await server.listen();

process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'stats') process.send!({ cmd: 'stats', framesIn: server.server.counters.framesIn, sessions: server.server.attachedSessions, cpu: process.cpuUsage() });
  else if (m.cmd === 'stop') void server.close().then(() => process.exit(0));
});
process.send!({ cmd: 'ready', port, identity: Buffer.from(server.identity.publicRaw).toString('base64url') });
