/**
 * Through real sockets on 127.0.0.1: client double → relay (driving the
 * dialect through the Dialect interface only) → server double.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { ClientDouble } from '../../../../test-support/otgame/client-double';
import { clientScript } from '../../../../test-support/otgame/scripted';
import { startServerDouble, type ServerDouble } from '../../../../test-support/otgame/server-double';
import { startRelay, type Relay } from '../../../../test-support/otgame/relay';
import { createOtGameDialect } from './dialect';
import { nodeRsaKey } from './rsa';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function server(opts: Parameters<typeof startServerDouble>[0]): Promise<ServerDouble> {
  const s = await startServerDouble(opts);
  cleanup.push(() => s.close());
  return s;
}
async function relay(...args: Parameters<typeof startRelay>): Promise<Relay> {
  const r = await startRelay(...args);
  cleanup.push(() => r.close());
  return r;
}

describe('OT dialect over TCP with the doubles', () => {
  for (const version of [1098, 1412]) {
    it(`${version}: binary login through the proxy hands out the proxy’s game address, and the game session comes through it`, async () => {
      const game = await server({ service: 'game', version });
      const gameProxy = await relay(createOtGameDialect(), { port: game.port });
      const login = await server({ service: 'login', version, worlds: [{ id: 0, name: 'Testworld', host: '127.0.0.1', port: game.port }] });
      const loginProxy = await relay(createOtGameDialect({ rewriteWorldsTo: { host: '127.0.0.1', port: gameProxy.port } }), { port: login.port });

      // Login service: the character list the client gets points at the proxy's game listener.
      const lc = await ClientDouble.connect({ port: loginProxy.port, version, service: 'login', account: 'tester' });
      cleanup.push(() => lc.close());
      await lc.login();
      await lc.until(() => lc.received.length > 0, 5000, 'the character list');
      const listMsg = loginProxy.sessions[0]!.messages.find((m) => m.flags.includes('REWRITTEN'));
      expect(listMsg).toBeDefined();
      const list = lc.received[0]!;
      const text = new TextDecoder('latin1').decode(list);
      expect(text).toContain('127.0.0.1');
      const port = gameProxy.port;
      expect(list.some((_, i) => list[i] === (port & 0xff) && list[i + 1] === port >> 8)).toBe(true);

      // Game service through the proxy.
      const c = await ClientDouble.connect({ port: gameProxy.port, version, service: 'game' });
      cleanup.push(() => c.close());
      await c.login();
      await c.until(() => c.received.length >= game.script.length, 5000, 'the scripted server frames');
      for (const p of clientScript()) c.send(p);
      await c.until(() => game.connections[0]!.received.length >= clientScript().length, 5000, 'the server to get every client message');
      await c.until(() => gameProxy.sessions[0]!.messages.length >= 2 + game.script.length + clientScript().length + 1, 5000, 'the proxy to see the ping back');

      // Both ends got exactly what the other sent.
      expect(c.received).toEqual(game.script.concat([Uint8Array.of(0x1d)]).slice(0, c.received.length));
      expect(game.connections[0]!.received).toEqual(clientScript());
      expect(c.peer.problems).toEqual([]);
      expect(game.connections[0]!.peer.problems).toEqual([]);

      const s = gameProxy.sessions[0]!;
      expect(s.messages.every((m) => !m.error)).toBe(true);
      expect(s.messages.filter((m) => m.dir === 'c2s').map((m) => m.type)).toEqual([
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
      // Forwarded byte for byte: the relay sent on exactly the wire bytes it decoded.
      const wire = (dir: 'c2s' | 's2c'): number[] => s.messages.filter((m) => m.dir === dir).flatMap((m) => Array.from(m.wire));
      expect(s.forwarded.c2s).toEqual(wire('c2s'));
      expect(s.forwarded.s2c).toEqual(wire('s2c'));
      const pingBack = s.messages.find((m) => m.dir === 's2c' && m.type === 'PING_BACK')!;
      expect(pingBack.answers).toBe(s.messages.find((m) => m.dir === 'c2s' && m.type === 'PING')!.requestKey);
      expect(s.facts).toMatchObject({ service: 'game', clientVersion: version, character: 'Knight Tester' });
    });
  }

  it('wrong key on the client: the server double closes ("RSA Decrypt Failed") and the proxy says why', async () => {
    const other = nodeRsaKey(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey);
    const game = await server({ service: 'game', version: 1412 });
    const proxy = await relay(createOtGameDialect(), { port: game.port });
    const c = await ClientDouble.connect({ port: proxy.port, version: 1412, service: 'game', rsa: other });
    cleanup.push(() => c.close());
    await c.login();
    await c.until(() => c.closed, 5000, 'the server to close');
    await c.until(() => game.connections[0]?.log.length === 1, 5000, 'the server log');
    expect(game.connections[0]!.log).toEqual(['RSA Decrypt Failed']);
    const login = proxy.sessions[0]!.messages.find((m) => m.type === 'GAME_LOGIN')!;
    expect(login.error).toMatch(/^RSA_DECRYPT: /);
  });
});
