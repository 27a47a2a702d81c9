import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { intOption, parse, parseHostPort } from '../args';
import { createLog } from '../log';
import { ConsoleServices } from '../../console/services';
import { SERVICE_MODULES } from '../../console/modules';
import { startWebShell } from '../../shell/web/server';
import { APP } from '../../console/app-info';
import { parseIdentityKey } from '../trust';
import { defaultAuditPath } from '../../audit';

export const consoleCommand: CliCommand = {
  name: 'console',
  summary: 'run the console in the browser (web shell on 127.0.0.1), on the demo or on your proxy',
  usage: `otbridge console [--web 127.0.0.1:7190] [--no-demo --listen H:P --target H:P [--decrypt]] [options]

Serves the console's UI and services over HTTP + WebSocket, bound to
127.0.0.1 unless told otherwise. The URL printed at start carries a random
token; the UI refuses connections without it.

By default the console runs the built-in demo: the reference server, the
proxy in decrypt mode in front of it, and a few bots. For real work:

  otbridge console --no-demo --listen 127.0.0.1:7181 --target 127.0.0.1:7180 --decrypt

  --web host:port       where the web shell listens (default 127.0.0.1:7190; port 0 = any free port)
  --token T             use this token instead of a random one (for scripts)
  --no-demo             no demo: proxy --listen → --target instead
  --listen H:P          proxy address (with --no-demo)
  --target H:P          upstream server (with --no-demo)
  --decrypt             decrypt mode (the proxy's identity key is printed; clients must pin it)
  --dialect up2|otgame  protocol (default up2)
  --trust-upstream KEY  pin the upstream server's identity (decrypt mode)
  --capture FILE        record to a pcapng capture
  --demo-bots N         bots in the demo (default 5)
  --demo-interval MS    mean ms between a bot's actions (default 400)
  --json                print the startup line as JSON ({"url": …}) for machines`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      web: { type: 'string', default: '127.0.0.1:7190' },
      token: { type: 'string' },
      'no-demo': { type: 'boolean', default: false },
      listen: { type: 'string' },
      target: { type: 'string' },
      decrypt: { type: 'boolean', default: false },
      dialect: { type: 'string', default: 'up2' },
      'trust-upstream': { type: 'string' },
      capture: { type: 'string' },
      'demo-bots': { type: 'string' },
      'demo-interval': { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const { host, port } = parseHostPort(values.web!);
    const log = createLog(io.err, values.json!);
    let services: ConsoleServices;
    if (values['no-demo']) {
      if (!values.listen || !values.target) throw new UsageError('--no-demo needs --listen and --target (the proxy to run)');
      if (values.dialect !== 'up2' && values.dialect !== 'otgame') throw new UsageError('--dialect is up2 or otgame');
      services = new ConsoleServices({
        shell: 'web',
        proxy: {
          listen: parseHostPort(values.listen),
          target: parseHostPort(values.target),
          dialect: values.dialect,
          mode: values.decrypt ? 'decrypt' : 'passthrough',
          ...(values['trust-upstream'] ? { upstreamIdentity: { pinned: parseIdentityKey(values['trust-upstream']) } } : {}),
          ...(values.capture ? { capture: { path: values.capture } } : {}),
        },
        log,
      }, SERVICE_MODULES.map((m) => m()));
    } else {
      services = new ConsoleServices({
        shell: 'web',
        demo: {
          bots: intOption(values['demo-bots'], 'demo-bots', 0, 10_000, 5),
          botIntervalMs: intOption(values['demo-interval'], 'demo-interval', 1, 600_000, 400),
          auditLog: defaultAuditPath(),
          ...(values.capture ? { capture: { path: values.capture, overwrite: true } } : {}),
        },
        log,
      }, SERVICE_MODULES.map((m) => m()));
    }
    await services.start();
    const shell = await startWebShell(services, { host, port, ...(values.token ? { token: values.token } : {}) });
    if (values.json) io.out.write(`${JSON.stringify({ event: 'listening', url: shell.url, port: shell.port, proxy: services.status() })}\n`);
    else {
      const st = services.status();
      io.out.write(`${APP.name} ${APP.version} web console: ${shell.url}\n`);
      if (st.listen) io.out.write(`proxy ${st.listen} → ${st.target} (${st.mode}${st.demo ? `, demo with ${st.demo.bots} bots` : ''})\n`);
    }
    const signal = await io.stopped;
    if (!values.json) io.err.write(`${signal}: shutting down\n`);
    await shell.close();
    await services.close();
    return 0;
  },
};
