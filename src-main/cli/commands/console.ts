import type { CliCommand } from '../command';
import { parse, parseHostPort } from '../args';
import { ConsoleServices } from '../../console/services';
import { startWebShell } from '../../shell/web/server';
import { APP } from '../../console/app-info';

export const consoleCommand: CliCommand = {
  name: 'console',
  summary: 'run the console in the browser (web shell on 127.0.0.1)',
  usage: `otbridge console [--web 127.0.0.1:7190] [--token T] [--json]

Serves the console's UI and services over HTTP + WebSocket, bound to
127.0.0.1 unless told otherwise. The URL printed at start carries a random
token; the UI refuses connections without it.

  --web host:port   where the web shell listens (default 127.0.0.1:7190; port 0 = any free port)
  --token T         use this token instead of a random one (for scripts)
  --json            print the startup line as JSON ({"url": …}) for machines`,
  async run(argv, io) {
    const { values } = parse(argv, {
      web: { type: 'string', default: '127.0.0.1:7190' },
      token: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    const { host, port } = parseHostPort(values.web!);
    const services = new ConsoleServices({ shell: 'web' });
    const shell = await startWebShell(services, { host, port, ...(values.token ? { token: values.token } : {}) });
    if (values.json) io.out.write(`${JSON.stringify({ event: 'listening', url: shell.url, port: shell.port })}\n`);
    else io.out.write(`${APP.name} ${APP.version} web console: ${shell.url}\n`);
    const signal = await io.stopped;
    if (!values.json) io.err.write(`${signal}: shutting down\n`);
    await shell.close();
    await services.close();
    return 0;
  },
};
