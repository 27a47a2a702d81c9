import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { intOption, parse, parseHostPort } from '../args';
import { createLog } from '../log';
import { identityPolicy, rememberIdentity } from '../trust';
import { UpClient } from '../../net/client/client';
import { ClientSync } from '../../net/client/sync';
import { fingerprint } from '../../net/keys';
import { ClientRepl, REPL_HELP } from '../../peers/repl';
import { BotFleet } from '../../peers/bot';

const USAGE = `otbridge client [--connect 127.0.0.1:7180] (--trust KEY | --trust-on-first-use) [options]

The OTClient-side reference client of UP/2.0. Interactive by default: log in,
move, talk, trigger events, fetch resources, run scripts (admin), and watch
what the server pushes. With --bots N it runs N scripted players instead.

  --connect H:P           server or proxy address (default 127.0.0.1:7180)
  --trust KEY             the identity key to pin (base64url, as the server or proxy prints it; --trust=KEY when it starts with "-")
  --trust-on-first-use    accept the key presented the first time and remember it for this address
  --account A --password P   credentials (default demo / demo)
  --password-file FILE    read the password from a file instead
  --plaintext             ask for "encryption": "none" (servers allow it only when configured to)
  --bots N                run N bots (accounts bot1…botN, password "bot"; start the server with --bots N)
  --bot-interval MS       mean time between a bot's actions (default 500)
  --seed N                bots' random seed (default 1)
  --duration S            stop the bots after S seconds (default: until Ctrl-C)
  --json                  machine-readable lines

${REPL_HELP}`;

export const clientCommand: CliCommand = {
  name: 'client',
  summary: 'the OTClient-side reference client: interactive, or N scripted bots',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      connect: { type: 'string', default: '127.0.0.1:7180' },
      trust: { type: 'string' },
      'trust-on-first-use': { type: 'boolean', default: false },
      account: { type: 'string', default: 'demo' },
      password: { type: 'string' },
      'password-file': { type: 'string' },
      plaintext: { type: 'boolean', default: false },
      bots: { type: 'string' },
      'bot-interval': { type: 'string' },
      seed: { type: 'string' },
      duration: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const { host, port } = parseHostPort(values.connect!);
    const address = `${host}:${port}`;
    const identity = identityPolicy(address, { ...(values.trust ? { trust: values.trust } : {}), trustOnFirstUse: values['trust-on-first-use']! });
    const log = createLog(io.out, values.json!);
    const encryption = values.plaintext ? ('none' as const) : ('aes-256-gcm' as const);

    const bots = intOption(values.bots, 'bots', 0, 100_000, 0);
    if (bots > 0) {
      const fleet = await BotFleet.start({
        host,
        port,
        identity,
        count: bots,
        intervalMs: intOption(values['bot-interval'], 'bot-interval', 1, 600_000, 500),
        seed: intOption(values.seed, 'seed', 0, 2 ** 31, 1),
        client: { encryption },
      });
      log('bots running', { connected: fleet.connected, of: bots, target: address });
      const report = setInterval(() => {
        const s = fleet.bots.reduce(
          (a, b) => ({ actions: a.actions + b.stats.actions, errors: a.errors + b.stats.errors, versions: a.versions + (b.sync?.version ?? 0) }),
          { actions: 0, errors: 0, versions: 0 },
        );
        log('bots', { connected: fleet.connected, actions: s.actions, errors: s.errors, stateVersions: s.versions });
      }, 5000);
      const duration = values.duration ? intOption(values.duration, 'duration', 1, 86_400, 0) * 1000 : 0;
      await Promise.race([io.stopped, ...(duration ? [new Promise((r) => setTimeout(r, duration))] : [])]);
      clearInterval(report);
      await fleet.stop();
      log('bots stopped', {});
      return 0;
    }

    let password = values.password ?? (values.account === 'demo' || values.account === 'admin' || values.account === 'qa' ? values.account! : undefined);
    if (values['password-file']) password = (await import('node:fs')).readFileSync(values['password-file'], 'utf8').trim();
    if (password === undefined) throw new UsageError('give --password or --password-file');
    const client = new UpClient({ host, port, identity, credentials: { account: values.account!, password }, encryption });
    const sync = new ClientSync(client, { node: `${values.account}-${randomUUID().slice(0, 8)}` });
    const info = await client.connect();
    if ('trustOnFirstUse' in identity && client.serverIdentity) {
      rememberIdentity(address, client.serverIdentity);
      log('trusting this server from now on', { address, fingerprint: fingerprint(client.serverIdentity) });
    }
    log('logged in', { account: values.account, playerId: info.playerId, scope: info.scope.join(','), session: info.sessionId });
    client.on('reconnecting', (r) => log('reconnecting', r));
    client.on('resumed', () => log('resumed', { stateVersion: client.stateVersion }));
    const repl = new ClientRepl(client, sync, (line) => io.out.write(`${line}\n`));
    const unwatch = repl.watch();
    const rl = createInterface({ input: process.stdin, output: io.out, prompt: io.out.isTTY ? `${values.account}> ` : '' });
    let done = false;
    const finished = new Promise<void>((resolve) => {
      const stop = (): void => {
        if (done) return;
        done = true;
        rl.close();
        resolve();
      };
      client.once('closed', (why) => {
        log('closed', { reason: why });
        stop();
      });
      rl.on('close', stop);
      void io.stopped.then(stop);
      rl.on('line', (line) => {
        rl.pause();
        repl.run(line).then(
          (go) => {
            if (!go) stop();
            else {
              rl.resume();
              rl.prompt();
            }
          },
          (e: Error) => {
            io.out.write(`! ${e.message}\n`);
            rl.resume();
            rl.prompt();
          },
        );
      });
      rl.prompt();
    });
    await finished;
    unwatch();
    sync.dispose();
    client.close();
    return 0;
  },
};
