/**
 * Through the proxy in decrypt mode, every message type of the spec
 * arrives unchanged at both ends (bodies compared as sent), and a compressed
 * body is re-compressed for the other leg.
 */
import { afterEach, expect, it } from 'vitest';
import { startProxyRig, type ProxyRig } from '../../test-support/proxy-harness';
import { waitFor } from '../../test-support/up-harness';
import { Messages, MessageType, type DecodedFrame, type MessageName } from '../../src-shared/protocol';

let rig: ProxyRig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

const CLIENT_SENT: MessageName[] = ['GAME_STATE_UPDATE', 'GAME_STATE_REQUEST', 'PLAYER_MOVE', 'PLAYER_ACTION', 'PLAYER_INTERACT', 'EVENT_TRIGGER', 'RESOURCE_REQUEST', 'SCRIPT_EXECUTE'];
const SERVER_PUSHED: MessageName[] = ['GAME_STATE_SYNC', 'GAME_STATE_UPDATE', 'EVENT_BROADCAST', 'RESOURCE_UPDATE', 'ERROR'];
const ANSWER: Partial<Record<MessageName, MessageName>> = {
  GAME_STATE_UPDATE: 'GAME_STATE_UPDATE',
  GAME_STATE_REQUEST: 'GAME_STATE_SYNC',
  EVENT_TRIGGER: 'EVENT_RESPONSE',
  RESOURCE_REQUEST: 'RESOURCE_RESPONSE',
  SCRIPT_EXECUTE: 'SCRIPT_RESULT',
};

const example = (name: MessageName, response: boolean): object =>
  (response ? Messages[name].example.response ?? Messages[name].example.body : Messages[name].example.body) as object;

it('every message type crosses the decrypting proxy unchanged, both ways', async () => {
  rig = await startProxyRig('decrypt');
  const atServer: { name: string; body: unknown }[] = [];
  for (const name of CLIENT_SENT) {
    rig.server.server.handle(name, (ctx) => {
      atServer.push({ name: ctx.frame.def.name, body: ctx.frame.body });
      const answer = ANSWER[name];
      if (answer) ctx.reply(MessageType[answer], example(answer, true));
    });
  }
  const c = rig.client();
  const info = await c.connect();
  const atClient: { name: string; body: unknown }[] = [];
  c.on('push', (f: DecodedFrame) => atClient.push({ name: f.def.name, body: f.body }));
  c.on('serverError', (e) => atClient.push({ name: 'ERROR', body: { code: e.code, message: e.detail, fatal: e.fatal } }));

  const answers: { name: string; body: unknown }[] = [];
  for (const name of CLIENT_SENT) {
    const body = example(name, false);
    if (Messages[name].isRequest) {
      const res = await c.request(MessageType[name], body);
      answers.push({ name: res.def.name, body: res.body });
    } else {
      c.connection!.send(MessageType[name], body);
    }
  }
  // A big, compressible body, to cross with COMPRESSED on both legs.
  const big = { action: 'bulk', args: { items: Array.from({ length: 400 }, (_, i) => ({ id: i, name: 'Rat', hp: 20 })) } };
  c.send('PLAYER_ACTION', big);
  await waitFor(() => atServer.length === CLIENT_SENT.length + 1, 5000, 'everything at the server');
  expect(atServer.slice(0, CLIENT_SENT.length)).toEqual(CLIENT_SENT.map((name) => ({ name, body: example(name, false) })));
  expect(atServer[CLIENT_SENT.length]!.body).toEqual(big);
  expect(answers).toEqual(CLIENT_SENT.filter((n) => ANSWER[n]).map((n) => ({ name: ANSWER[n], body: example(ANSWER[n]!, true) })));

  const session = rig.server.server.sessions.get(info.sessionId)!;
  for (const name of SERVER_PUSHED) session.push(MessageType[name], example(name, false));
  await waitFor(() => atClient.length === SERVER_PUSHED.length, 5000, 'every push at the client');
  expect(atClient).toEqual(SERVER_PUSHED.map((name) => ({ name, body: example(name, false) })));

  const bigRecord = rig.records.find((r) => r.type === 'PLAYER_ACTION' && (r.body as { action: string }).action === 'bulk')!;
  expect(bigRecord.flags).toContain('COMPRESSED');
  expect(bigRecord.bodySize).toBeGreaterThan(bigRecord.wireSize);
});
