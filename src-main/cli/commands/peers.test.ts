/** The server, client, proxy and demo commands, run as the CLI runs them (in-process, with a test terminal). */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverCommand } from './server';
import { clientCommand } from './client';
import { proxyCommand } from './proxy';
import { demoCommand } from './demo';
import { UsageError } from '../command';
import { testIo, type TestIo } from '../../../test-support/cli-io';
import { UpClient } from '../../net/client/client';
import { ClientSync } from '../../net/client/sync';
import { ClientRepl } from '../../peers/repl';

const dir = mkdtempSync(join(tmpdir(), 'otb-cli-peers-'));
process.env.OTBRIDGE_HOME = dir;
const running: { io: TestIo; done: Promise<number> }[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    r.io.stop();
    await r.done;
  }
});

function start(cmd: { run(argv: readonly string[], io: TestIo): Promise<number> }, ...argv: string[]): { io: TestIo; done: Promise<number> } {
  const io = testIo();
  const r = { io, done: cmd.run(argv, io) };
  running.push(r);
  return r;
}

describe('otbridge server', () => {
  it('starts, prints its identity to pin, keeps its keys, and stops on Ctrl-C', async () => {
    const keys = join(dir, 'keys.json');
    const s = start(serverCommand, '--port', '0', '--keys', keys, '--bots', '3', '--json');
    const line = JSON.parse((await s.io.waitFor(/\{[^\n]*"event":"ready"[^\n]*\}/))[0]) as { listen: string; identity: string };
    expect(line.identity).toMatch(/^[\w-]{43}$/);
    s.io.stop();
    expect(await s.done).toBe(0);
    // Same key file, same identity.
    const again = start(serverCommand, '--port', '0', '--keys', keys, '--json');
    const line2 = JSON.parse((await again.io.waitFor(/\{[^\n]*"event":"ready"[^\n]*\}/))[0]) as { identity: string };
    expect(line2.identity).toBe(line.identity);
  });

  it('prints the pin hint as --trust=KEY, which a shell copy works with even when the key starts with "-"', async () => {
    const s = start(serverCommand, '--port', '0', '--keys', join(dir, 'k-hint.json'));
    const key = (await s.io.waitFor(/otbridge client --connect \S+ --trust=([\w-]{43})\n/))[1]!;
    s.io.stop();
    expect(await s.done).toBe(0);
    // A base64url key may start with "-": given as a separate argument it would read as an option.
    const dashed = `-${key.slice(1)}`;
    await expect(clientCommand.run(['--connect', '127.0.0.1:1', '--trust', dashed], testIo())).rejects.toThrow(/--trust=/);
  });

  it('refuses demo accounts on a public address and bad options', async () => {
    await expect(serverCommand.run(['--host', '0.0.0.0', '--port', '0'], testIo())).rejects.toThrow(/refusing to start/);
    await expect(serverCommand.run(['--port', 'x'], testIo())).rejects.toBeInstanceOf(UsageError);
    await expect(serverCommand.run(['--bogus'], testIo())).rejects.toBeInstanceOf(UsageError);
  });

  it('an accounts file with a plain password is refused, naming the entry', async () => {
    const accounts = join(dir, 'accounts.json');
    writeFileSync(accounts, JSON.stringify({ accounts: [{ name: 'alice', password: 'plain' }] }));
    await expect(serverCommand.run(['--port', '0', '--accounts', accounts, '--keys', join(dir, 'k2.json')], testIo())).rejects.toThrow(/plain "password"/);
  });
});

describe('otbridge client, proxy and demo', () => {
  it('bots play against the server through a decrypting proxy, driven by the commands', async () => {
    const s = start(serverCommand, '--port', '0', '--keys', join(dir, 'k3.json'), '--bots', '3', '--json');
    const ready = JSON.parse((await s.io.waitFor(/\{[^\n]*"event":"ready"[^\n]*\}/))[0]) as { listen: string; identity: string };
    const p = start(proxyCommand, '--listen', '127.0.0.1:0', '--target', ready.listen, '--decrypt', '--identity', join(dir, 'proxy.json'), `--trust-upstream=${ready.identity}`, '--json', '--fault', 'latency:ms=1,dir=s2c');
    const pr = JSON.parse((await p.io.waitFor(/\{[^\n]*"event":"proxy ready"[^\n]*\}/))[0]) as { listen: string; identity: string; faults: string[] };
    expect(pr.faults).toEqual(['latency 1ms s2c']);
    const bots = start(clientCommand, '--connect', pr.listen, `--trust=${pr.identity}`, '--bots', '3', '--bot-interval', '50', '--duration', '2', '--json');
    expect(await bots.done).toBe(0);
    const report = bots.io.text();
    expect(report).toMatch(/"event":"bots running","connected":3/);
    expect(report).toMatch(/"event":"bots stopped"/);
    await p.io.waitFor(/"event":"session open"/);
  });

  it('the interactive client answers commands line by line', async () => {
    const s = start(serverCommand, '--port', '0', '--keys', join(dir, 'k4.json'), '--json');
    const ready = JSON.parse((await s.io.waitFor(/\{[^\n]*"event":"ready"[^\n]*\}/))[0]) as { listen: string; identity: string };
    const [host, port] = ready.listen.split(':');
    const c = new UpClient({ host: host!, port: Number(port), identity: { pinned: new Uint8Array(Buffer.from(ready.identity, 'base64url')) }, credentials: { account: 'admin', password: 'admin' } });
    const sync = new ClientSync(c, { node: 'repl-test' });
    await c.connect();
    const lines: string[] = [];
    const repl = new ClientRepl(c, sync, (l) => lines.push(l));
    const off = repl.watch();
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect(await repl.run('where')).toBe(true);
      expect(lines.at(-1)).toMatch(/^position \{"x":\d+,"y":\d+,"z":7\} health 150/);
      expect(await repl.run('event player.whoami')).toBe(true);
      expect(lines.at(-1)).toMatch(/"account":"admin"/);
      expect(await repl.run('lua return 6 * 7')).toBe(true);
      expect(lines.at(-1)).toMatch(/^» 42/);
      expect(await repl.run('fetch motd.txt')).toBe(true);
      expect(lines.at(-1)).toMatch(/verified/);
      expect(await repl.run('ui /windows/vip {"open":true}')).toBe(true);
      expect(lines.at(-1)).toBe('queued');
      await expect(repl.run('move up')).rejects.toThrow(/move needs one of/);
      await expect(repl.run('dance')).rejects.toThrow(/unknown command/);
      expect(await repl.run('quit')).toBe(false);
    } finally {
      off();
      sync.dispose();
      c.close();
    }
  });

  it('the demo runs server, proxy and bots for a given time', async () => {
    const d = start(demoCommand, '--bots', '2', '--server-port', '0', '--proxy-port', '0', '--duration', '6', '--json');
    expect(await d.done).toBe(0);
    const out = d.io.text();
    expect(out).toMatch(/"event":"demo running"/);
    const traffic = out.split('\n').filter((l) => l.includes('"event":"traffic"')).map((l) => JSON.parse(l) as { sessions: number; msgPerSec: number });
    expect(traffic.length).toBeGreaterThan(0);
    expect(traffic.at(-1)!.sessions).toBe(2);
  });
});

process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
