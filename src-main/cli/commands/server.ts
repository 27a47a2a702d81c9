import { join } from 'node:path';
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { intOption, parse } from '../args';
import { createLog } from '../log';
import { configDir } from '../trust';
import { ReferenceServer } from '../../peers/server';
import { hashPassword } from '../../net/auth/passwords';
import { defaultAuditPath } from '../../audit';

const USAGE = `otbridge server [--host 127.0.0.1] [--port 7180] [options]
otbridge server hash-password        (reads a password on stdin, prints its scrypt hash)

The Canary-side reference server of UP/2.0: a seeded demo world (a map with
blocked tiles, creatures that wander, items, weather, time of day), state sync,
events, resources and admin scripts.

  --host H                 address to listen on (default 127.0.0.1)
  --port P                 port (default 7180; 0 = any free port)
  --keys FILE              identity + token-signing keys, created if missing
                           (default ~/.otbridge/server-keys.json, or in $OTBRIDGE_HOME)
  --accounts FILE          more accounts: {"accounts":[{"name","passwordHash","scope":["player"]}]}
  --no-demo-accounts       without demo/demo, admin/admin and qa/qa
  --demo-accounts-anywhere keep the demo accounts on a non-loopback address (unsafe)
  --bots N                 also create accounts bot1…botN (password "bot") for \`otbridge client --bots\`
  --resources DIR          folder served by RESOURCE_REQUEST (default: generated demo files)
  --allow-plaintext        let clients that ask for it run without encryption (debugging)
  --max-sessions N         logged-in sessions at most (default 1000)
  --rate N                 messages per second per connection (default 200, burst 2×)
  --seed N                 world seed (default 1)
  --move-interval MS       a player's minimum time between steps (default 150)
  --creatures N            creatures in the world (default 400)
  --no-scripts             refuse SCRIPT_EXECUTE
  --audit FILE             audit log of admin scripts (default ~/.otbridge/audit.ndjson; --no-audit for none)
  --no-audit               do not audit scripts
  --json                   log one JSON object per line

The identity key's fingerprint and base64url public key are printed at start:
clients pin it with \`otbridge client --trust <key>\`.`;

export const serverCommand: CliCommand = {
  name: 'server',
  summary: 'run the Canary-side reference server (UP/2.0, demo world)',
  usage: USAGE,
  async run(argv, io) {
    if (argv[0] === 'hash-password') {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      const password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
      if (!password) throw new UsageError('give the password on standard input');
      io.out.write(`${await hashPassword(password)}\n`);
      return 0;
    }
    const { values, positionals } = parse(argv, {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '7180' },
      keys: { type: 'string' },
      accounts: { type: 'string' },
      'no-demo-accounts': { type: 'boolean', default: false },
      'demo-accounts-anywhere': { type: 'boolean', default: false },
      bots: { type: 'string' },
      resources: { type: 'string' },
      'allow-plaintext': { type: 'boolean', default: false },
      'max-sessions': { type: 'string' },
      rate: { type: 'string' },
      seed: { type: 'string' },
      'move-interval': { type: 'string' },
      creatures: { type: 'string' },
      'no-scripts': { type: 'boolean', default: false },
      audit: { type: 'string' },
      'no-audit': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const log = createLog(io.out, values.json!, '');
    const rate = intOption(values.rate, 'rate', 1, 1_000_000, 200);
    const server = await ReferenceServer.create({
      host: values.host!,
      port: intOption(values.port, 'port', 0, 65535, 7180),
      keyFile: values.keys ?? join(configDir(), 'server-keys.json'),
      ...(values.accounts ? { accountsFile: values.accounts } : {}),
      demoAccounts: !values['no-demo-accounts'],
      demoAccountsAnywhere: values['demo-accounts-anywhere']!,
      botAccounts: intOption(values.bots, 'bots', 0, 100_000, 0),
      ...(values.resources ? { resourcesDir: values.resources } : {}),
      scripts: !values['no-scripts'],
      ...(values['no-audit'] ? {} : { auditLog: values.audit ?? defaultAuditPath() }),
      world: {
        seed: intOption(values.seed, 'seed', 0, 2 ** 31, 1),
        moveIntervalMs: intOption(values['move-interval'], 'move-interval', 0, 60_000, 150),
        creatures: intOption(values.creatures, 'creatures', 0, 100_000, 400),
      },
      server: {
        allowPlaintext: values['allow-plaintext']!,
        maxSessions: intOption(values['max-sessions'], 'max-sessions', 1, 1_000_000, 1000),
        rateLimit: { perSecond: rate, burst: rate * 2 },
      },
      log,
    });
    const { host, port } = await server.listen();
    log('ready', {
      listen: `${host}:${port}`,
      identity: Buffer.from(server.identity.publicRaw).toString('base64url'),
      fingerprint: server.fingerprint,
      accounts: server.accounts.size,
    });
    if (!values.json) io.out.write(`pin this server with: otbridge client --connect ${host}:${port} --trust=${Buffer.from(server.identity.publicRaw).toString('base64url')}\n`);
    const signal = await io.stopped;
    log('stopping', { signal });
    await server.close();
    return 0;
  },
};
