import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { intOption, parse } from '../args';
import { createLog } from '../log';
import { Demo } from '../../console/demo';

export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'reference server + decrypting proxy + bots in one command',
  usage: `otbridge demo [--bots 5] [--server-port 7180] [--proxy-port 7181] [--capture FILE.pcapng] [--metrics-port P] [--duration S] [--json]

Starts the reference server, the proxy in decrypt mode in front of it, and N
bots playing through the proxy, then reports traffic every few seconds. Point
your own client at the proxy (its identity key is printed) to join them.
\`npm start\` runs this under the console.

  --bots N            bots (default 5)
  --server-port P     reference server port (default 7180, or any free one)
  --proxy-port P      proxy port (default 7181, or any free one)
  --capture FILE      record everything to a pcapng capture
  --metrics-port P    Prometheus text at /metrics
  --seed N            world and faults seed
  --duration S        stop after S seconds (default: until Ctrl-C)
  --json              machine-readable lines`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      bots: { type: 'string' },
      'server-port': { type: 'string' },
      'proxy-port': { type: 'string' },
      capture: { type: 'string' },
      'metrics-port': { type: 'string' },
      seed: { type: 'string' },
      duration: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const log = createLog(io.out, values.json!);
    const demo = await Demo.start({
      bots: intOption(values.bots, 'bots', 0, 10_000, 5),
      ...(values['server-port'] ? { serverPort: intOption(values['server-port'], 'server-port', 0, 65535, 7180) } : {}),
      ...(values['proxy-port'] ? { proxyPort: intOption(values['proxy-port'], 'proxy-port', 0, 65535, 7181) } : {}),
      ...(values.capture ? { capture: { path: values.capture } } : {}),
      ...(values['metrics-port'] ? { metricsPort: intOption(values['metrics-port'], 'metrics-port', 0, 65535, 0) } : {}),
      ...(values.seed ? { seed: intOption(values.seed, 'seed', 0, 2 ** 31, 1) } : {}),
      log,
    });
    const report = setInterval(() => {
      const m = demo.proxy.proxy.metrics.snapshot();
      log('traffic', {
        sessions: m.sessionsOpen,
        msgPerSec: Math.round(m.total.msgPerSec),
        p99ms: Number(m.total.latency.p99.toFixed(2)),
        errors: m.total.errors,
        syncRate: Number(m.total.syncRate.toFixed(4)),
      });
    }, 5000);
    const duration = values.duration ? intOption(values.duration, 'duration', 1, 86_400, 0) * 1000 : 0;
    const why = await Promise.race([io.stopped, ...(duration ? [new Promise<string>((r) => setTimeout(() => r('duration'), duration))] : [])]);
    clearInterval(report);
    log('stopping', { why });
    await demo.stop();
    return 0;
  },
};
