/**
 * End to end through the real proxy core (src-main/proxy/proxy.ts): a
 * login proxy and a game proxy, both speaking the OT dialect, between the
 * client and server doubles; every record captured to pcapng, read back,
 * and exported as an OTClient recording.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MessageRecord } from '../../../../src-shared/records';
import { attachCapture } from '../../../capture/attach-proxy';
import { readCaptureItems } from '../../../capture/open-any';
import { CaptureWriter } from '../../../capture/writer';
import { exportRecordingFile } from '../../../recordings/files';
import { formatRecording } from '../../../recordings/format';
import { recordsToRecording } from '../../../recordings/records';
import { Proxy } from '../../proxy';
import { ClientDouble } from '../../../../test-support/otgame/client-double';
import { clientScript } from '../../../../test-support/otgame/scripted';
import { startServerDouble } from '../../../../test-support/otgame/server-double';
import { readCharacterList } from './charlist';
import { createOtGameDialect } from './dialect';
import { Reader } from './reader';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const waitFor = async (pred: () => boolean, what: string, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('OT dialect through the proxy core', () => {
  it('login → rewritten world → game session: decoded, forwarded, captured, exported as a recording', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otbridge-ot-e2e-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const version = 1412;
    const game = await startServerDouble({ service: 'game', version });
    cleanup.push(() => game.close());
    const login = await startServerDouble({ service: 'login', version, worlds: [{ id: 0, name: 'Testworld', host: '127.0.0.1', port: game.port }] });
    cleanup.push(() => login.close());

    const gameProxy = new Proxy({ listen: { host: '127.0.0.1', port: 0 }, target: { host: '127.0.0.1', port: game.port }, dialect: createOtGameDialect(), mode: 'decrypt' });
    const gameAddr = await gameProxy.start();
    cleanup.push(() => gameProxy.close());
    const loginProxy = new Proxy({
      listen: { host: '127.0.0.1', port: 0 },
      target: { host: '127.0.0.1', port: login.port },
      dialect: createOtGameDialect({ rewriteWorldsTo: { host: '127.0.0.1', port: gameAddr.port } }),
      mode: 'decrypt',
    });
    const loginAddr = await loginProxy.start();
    cleanup.push(() => loginProxy.close());

    const capPath = join(dir, 'ot.pcapng');
    const writer = await CaptureWriter.open(capPath, { flushIntervalMs: 0 });
    const detach = attachCapture(gameProxy, writer);
    const records: MessageRecord[] = [];
    gameProxy.on('record', (r) => records.push(r));

    // 1. Login service through the proxy: the list points at the game proxy.
    const lc = await ClientDouble.connect({ port: loginAddr.port, version, service: 'login' });
    cleanup.push(() => lc.close());
    await lc.login();
    await lc.until(() => lc.received.length > 0, 5000, 'the character list');
    const r = new Reader(lc.received[0]!);
    while (r.u8() !== 0x64) r.string();
    const list = readCharacterList(r, version);
    expect(list.worlds.map((w) => `${w.host}:${w.port}`)).toEqual([`127.0.0.1:${gameAddr.port}`]);

    // 2. The game connection goes where the list says: through the proxy.
    const world = list.worlds[0]!;
    const c = await ClientDouble.connect({ host: world.host, port: world.port, version, service: 'game' });
    cleanup.push(() => c.close());
    await c.login();
    await c.until(() => c.received.length >= game.script.length, 5000, 'the scripted server frames');
    for (const p of clientScript()) c.send(p);
    await waitFor(() => game.connections[0]?.received.length === clientScript().length, 'the server to get every client message');
    await waitFor(() => records.some((x) => x.type === 'PING_BACK'), 'the ping back');

    expect(game.connections[0]!.received).toEqual(clientScript());
    expect(c.peer.problems).toEqual([]);
    expect(records.filter((x) => x.error)).toEqual([]);
    expect(records.filter((x) => x.dir === 'c2s').map((x) => x.type)).toEqual([
      'GAME_LOGIN',
      'PING',
      'WALK_NORTH',
      'WALK_WEST',
      'SAY',
      'LOOK',
      'ATTACK',
      'EXTENDED_OPCODE',
      'LOGOUT',
    ]);
    expect(records.filter((x) => x.dir === 's2c').map((x) => x.type)).toEqual([
      'CHALLENGE',
      'LOGIN_SUCCESS',
      'CREATURE_HEALTH',
      'MAP_DESCRIPTION',
      'MOVE_CREATURE',
      'CREATURE_HEALTH',
      'PING',
      'PING_BACK',
    ]);
    expect(records.find((x) => x.type === 'SAY')!.body).toMatchObject({ text: 'hello world' });
    expect(records.every((x) => x.dialect === 'otgame')).toBe(true);
    const pingBack = records.find((x) => x.type === 'PING_BACK')!;
    expect(pingBack.pairId).toBe(records.find((x) => x.type === 'PING' && x.dir === 'c2s')!.id);

    // 3. The capture holds every record with its decoded bytes; export gives a playable recording.
    c.close();
    await waitFor(() => gameProxy.sessions.size === 0, 'the session to close');
    detach();
    await writer.close();
    const back: MessageRecord[] = [];
    for await (const item of readCaptureItems(capPath)) if (item.kind === 'record') back.push(item.record);
    expect(back.map((x) => x.type)).toEqual(records.map((x) => x.type));
    expect(back.map((x) => x.plain && Array.from(x.plain))).toEqual(records.map((x) => x.plain && Array.from(x.plain)));
    const exported = await exportRecordingFile(capPath, join(dir, 'ot.rec'));
    expect(exported.skipped.map((s) => s.reason)).toEqual(['login packet (OTClient never records it)']);
    const strip = (text: string): string[] => text.trim().split('\n').map((l) => l.replace(/ \d+ /, ' '));
    expect(strip(exported.text)).toEqual(strip(formatRecording(recordsToRecording(back).entries)));
    expect(strip(exported.text)).toHaveLength(records.length - 1);
    expect(exported.text.split('\n')[0]).toMatch(/^< \d+ 001f/); // 14.05: the padding count OTClient's first receive skips
  });
});
