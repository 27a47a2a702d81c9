// Record a session through a decrypting proxy, then replay it against two "new builds" of the server:
// one unchanged, one with a slower move rule. Run: npx tsx docs/examples/replay-api.ts [/tmp/dir]
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReferenceServer } from '../../src-main/peers/server';
import { startProxy } from '../../src-main/proxy/setup';
import { UpClient } from '../../src-main/net/client/client';
import { generateKeyPair } from '../../src-main/net/keys';
import { formatReport, runReplay, toJUnit } from '../../src-main/replay';

const dir = process.argv[2] ?? join(tmpdir(), 'otbridge-replay-example');
mkdirSync(dir, { recursive: true });
const capture = join(dir, 'session.pcapng');
// The world of the example does not move by itself, so two runs of one session agree.
const world = { seed: 5, creatures: 0, creatureStepMs: 1e9, weatherEveryMs: 1e9, msPerGameMinute: 1e9, moveIntervalMs: 50 };
const keys = { identity: generateKeyPair('ed25519'), tokenKey: generateKeyPair('ed25519') };
const fast = { N: 1 << 10, r: 8, p: 1 }; // cheap password hashing, for an example

// 1. The old build, a decrypting proxy that records, and a player.
const old = await ReferenceServer.create({ port: 0, keys, world, scrypt: fast });
const { port: oldPort } = await old.listen();
const proxyKey = generateKeyPair('ed25519');
const proxy = await startProxy({
  listen: { host: '127.0.0.1', port: 0 },
  target: { host: '127.0.0.1', port: oldPort },
  dialect: 'up2',
  mode: 'decrypt',
  identity: proxyKey,
  upstreamIdentity: { pinned: old.identity.publicRaw },
  capture: { path: capture, overwrite: true },
});
const player = new UpClient({ host: '127.0.0.1', port: proxy.address.port, identity: { pinned: proxyKey.publicRaw }, credentials: { account: 'demo', password: 'demo' } });
await player.connect();
for (const direction of ['e', 'e', 's'] as const) {
  player.send('PLAYER_MOVE', { direction });
  await new Promise((r) => setTimeout(r, 200));
}
const time = await player.trigger({ id: crypto.randomUUID(), name: 'server.time', scope: 'remote' });
console.log('recorded: server.time answered', JSON.stringify(time.data));
await player.logout();
await new Promise((r) => setTimeout(r, 100));
await proxy.close();
await old.close();

// 2. Replay it against a new build that behaves the same, and one with a slower move rule.
for (const [name, rules] of [['same build', {}], ['one step per minute', { moveIntervalMs: 60_000 }]] as const) {
  const server = await ReferenceServer.create({ port: 0, keys, world: { ...world, ...rules }, scrypt: fast });
  const { port } = await server.listen();
  const report = await runReplay({ capture, target: { host: '127.0.0.1', port }, identity: { pinned: keys.identity.publicRaw }, password: 'demo', speed: 2 });
  console.log(`\n== ${name}`);
  process.stdout.write(formatReport(report));
  await writeFile(join(dir, `${name.replace(/ /g, '-')}.xml`), toJUnit(report));
  await server.close();
}
console.log(`\nJUnit reports in ${dir}`);
