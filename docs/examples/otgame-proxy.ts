// The OT game protocol through otbridge's proxy: a login proxy and a game proxy, the
// world address rewritten so the game connection comes through too, every message
// printed, captured and exported as an OTClient recording.
//
// Demo (no server needed: Canary- and OTClient-like doubles on 127.0.0.1):
//   npx tsx docs/examples/otgame-proxy.ts
// In front of a real Canary (binary login, clients < 12.81; point OTClient at 127.0.0.1:17171):
//   npx tsx docs/examples/otgame-proxy.ts --login 127.0.0.1:7171 --game 127.0.0.1:7172
// Then: tshark -X lua_script:tools/wireshark/otgame.lua -r /tmp/otgame-example.pcapng
import { parseArgs } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Proxy } from '../../src-main/proxy/proxy';
import { createOtGameDialect } from '../../src-main/proxy/dialects/otgame';
import { attachCapture, CaptureWriter, formatRecordLine } from '../../src-main/capture';
import { exportRecordingFile } from '../../src-main/recordings';
import { startServerDouble } from '../../test-support/otgame/server-double';
import { ClientDouble } from '../../test-support/otgame/client-double';
import { clientScript } from '../../test-support/otgame/scripted';

const { values } = parseArgs({ options: { login: { type: 'string' }, game: { type: 'string' }, version: { type: 'string', default: '1098' } } });
const hostPort = (s: string): { host: string; port: number } => ({ host: s.split(':')[0]!, port: Number(s.split(':')[1]) });
const demo = !values.login;
const version = Number(values.version);

// Upstreams: the real servers, or doubles.
const doubles: { close(): Promise<void> }[] = [];
let loginUp = values.login ? hostPort(values.login) : undefined;
let gameUp = values.game ? hostPort(values.game) : undefined;
if (demo) {
  const game = await startServerDouble({ service: 'game', version });
  const login = await startServerDouble({ service: 'login', version, worlds: [{ id: 0, name: 'Demo', host: '127.0.0.1', port: game.port }] });
  doubles.push(game, login);
  gameUp = { host: '127.0.0.1', port: game.port };
  loginUp = { host: '127.0.0.1', port: login.port };
}

const gameProxy = new Proxy({ listen: { host: '127.0.0.1', port: demo ? 0 : 17172 }, target: gameUp!, dialect: createOtGameDialect(), mode: 'decrypt' });
const gameAt = await gameProxy.start();
const loginProxy = new Proxy({
  listen: { host: '127.0.0.1', port: demo ? 0 : 17171 },
  target: loginUp!,
  // Worlds in the character list now point at the game proxy.
  dialect: createOtGameDialect({ rewriteWorldsTo: { host: '127.0.0.1', port: gameAt.port } }),
  mode: 'decrypt',
});
const loginAt = await loginProxy.start();
console.log(`login proxy 127.0.0.1:${loginAt.port} → ${loginUp!.host}:${loginUp!.port}, game proxy 127.0.0.1:${gameAt.port} → ${gameUp!.host}:${gameUp!.port}`);

const capture = join(tmpdir(), 'otgame-example.pcapng');
const writer = await CaptureWriter.open(capture, { overwrite: true });
attachCapture(gameProxy, writer);
for (const p of [loginProxy, gameProxy]) p.on('record', (r) => console.log(formatRecordLine(r)));

if (demo) {
  const account = await ClientDouble.connect({ port: loginAt.port, version, service: 'login' });
  await account.login();
  await account.until(() => account.closed);
  const player = await ClientDouble.connect({ port: gameAt.port, version, service: 'game' });
  await player.login();
  await player.until(() => player.received.length >= 6);
  for (const m of clientScript()) player.send(m);
  await player.until(() => player.closed);
} else {
  await new Promise((resolve) => process.once('SIGINT', resolve));
}

await new Promise((r) => setTimeout(r, 100));
await Promise.all([loginProxy.close(), gameProxy.close()]);
await writer.close();
await Promise.all(doubles.map((d) => d.close()));
const rec = join(tmpdir(), 'otgame-example.rec');
const out = await exportRecordingFile(capture, rec);
console.log(`capture: ${capture}\nOTClient recording (g_game.playRecord): ${rec}, ${out.lines} lines`);
