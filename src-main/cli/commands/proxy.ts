import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { intOption, parse, parseHostPort } from '../args';
import { createLog } from '../log';
import { parseIdentityKey } from '../trust';
import { startProxy } from '../../proxy/setup';
import { parseFaultArg, describeFault } from '../../../src-shared/faults';
import { OTGAME_CLI_OPTIONS, OTGAME_CLI_USAGE, otgameSettingsFromCli, startHttpLoginProxy, type OtGameCliValues } from '../../proxy/dialects/otgame';

const USAGE = `otbridge proxy --listen 127.0.0.1:7181 --target 127.0.0.1:7180 [--decrypt] [options]

A protocol proxy between a client and a server: every message decoded,
measured, optionally broken on purpose, and recorded.

  --listen H:P            where clients connect (default 127.0.0.1:7181)
  --target H:P            the server (default 127.0.0.1:7180)
  --dialect up2|otgame    UP/2.0 (default) or the OT game protocol of OTClient/Canary
  --decrypt               UP/2.0: terminate the encryption — the proxy presents its own identity
                          (the client under test must trust it: the key is printed at start) and
                          opens its own session upstream, so it sees and re-encrypts every body.
                          Without it: passthrough (bytes untouched, headers decoded).
  --identity FILE         decrypt mode: the proxy's key file (created if missing;
                          default ./otbridge-proxy-keys.json)
  --trust-upstream KEY    decrypt mode: pin the server's identity (default: accept and report it)
  --capture FILE.pcapng   record every message (Wireshark opens it; see tools/wireshark)
  --rotate-mb N           start a new capture file every N MiB (default 256)
  --overwrite             replace an existing capture
  --metrics-port P        serve Prometheus text at http://H:P/metrics
  --fault SPEC            a fault, repeatable: kind:key=value,…  e.g.
                            latency:ms=120,jitter=30,dir=s2c     drop:types=PLAYER_MOVE,p=0.1,dir=c2s
                            reorder:window=4,dir=c2s             bandwidth:bps=20000,dir=s2c
                            corrupt:target=body,types=PLAYER_ACTION   close:after=100,dir=c2s
  --seed N                seed for the faults' randomness (reproducible runs)
  --no-redact             keep passwords and tokens in records and captures
  --show                  print one line per message
  --json                  machine-readable lines

${OTGAME_CLI_USAGE}`;

export const proxyCommand: CliCommand = {
  name: 'proxy',
  summary: 'run the protocol proxy (decode, metrics, faults, capture)',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      listen: { type: 'string', default: '127.0.0.1:7181' },
      target: { type: 'string', default: '127.0.0.1:7180' },
      dialect: { type: 'string', default: 'up2' },
      decrypt: { type: 'boolean', default: false },
      identity: { type: 'string' },
      'trust-upstream': { type: 'string' },
      capture: { type: 'string' },
      'rotate-mb': { type: 'string' },
      overwrite: { type: 'boolean', default: false },
      'metrics-port': { type: 'string' },
      fault: { type: 'string', multiple: true },
      seed: { type: 'string' },
      'no-redact': { type: 'boolean', default: false },
      show: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      ...OTGAME_CLI_OPTIONS,
    });
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const dialect = values.dialect;
    if (dialect !== 'up2' && dialect !== 'otgame') throw new UsageError(`--dialect is up2 or otgame, got "${dialect}"`);
    if (dialect === 'otgame' && values.decrypt) throw new UsageError('--decrypt is for UP/2.0; the OT dialect decrypts passively with the server key (--ot-key)');
    const faults = (values.fault ?? []).map((f) => {
      try {
        return parseFaultArg(f);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    });
    let ot;
    try {
      ot = dialect === 'otgame' ? await otgameSettingsFromCli(values as OtGameCliValues) : null;
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const log = createLog(io.out, values.json!);
    const run = await startProxy({
      listen: parseHostPort(values.listen!),
      target: parseHostPort(values.target!),
      dialect,
      mode: values.decrypt ? 'decrypt' : 'passthrough',
      ...(values.identity ? { identityFile: values.identity } : {}),
      ...(values['trust-upstream'] ? { upstreamIdentity: { pinned: parseIdentityKey(values['trust-upstream']) } } : {}),
      ...(ot ? { otgame: ot.dialect } : {}),
      ...(values.capture
        ? { capture: { path: values.capture, rotateBytes: intOption(values['rotate-mb'], 'rotate-mb', 0, 1 << 20, 256) * 1048576, overwrite: values.overwrite! } }
        : {}),
      ...(values['metrics-port'] ? { metricsPort: intOption(values['metrics-port'], 'metrics-port', 0, 65535, 0) } : {}),
      faults,
      ...(values.seed ? { seed: intOption(values.seed, 'seed', 0, 2 ** 32 - 1, 0) } : {}),
      redact: !values['no-redact'],
    });
    const httpLogin = ot?.httpLogin ? await startHttpLoginProxy(ot.httpLogin) : null;
    log('proxy ready', {
      listen: `${run.address.host}:${run.address.port}`,
      target: values.target,
      dialect,
      mode: values.decrypt ? 'decrypt' : 'passthrough',
      ...(run.identity ? { identity: Buffer.from(run.identity.publicRaw).toString('base64url'), fingerprint: run.fingerprint } : {}),
      ...(run.capture ? { capture: values.capture } : {}),
      ...(run.metricsUrl ? { metrics: run.metricsUrl } : {}),
      ...(faults.length ? { faults: faults.map(describeFault) } : {}),
    });
    if (run.identity && !values.json) {
      io.out.write(`clients must pin the proxy: otbridge client --connect ${run.address.host}:${run.address.port} --trust=${Buffer.from(run.identity.publicRaw).toString('base64url')}\n`);
    }
    if (values.show) {
      const { formatRecordLine, CapturedRecord } = await import('../../capture');
      run.proxy.on('record', (r) => {
        const { body: _b, ...summary } = r;
        io.out.write(`${formatRecordLine(new CapturedRecord({ ...summary, part: 0, offset: 0, pdu: r.plain ? 'plain' : 'wire' }))}\n`);
      });
    }
    run.proxy.on('sessionOpen', (s) => log('session open', { session: s.id, client: s.client }));
    run.proxy.on('sessionClose', (s) => log('session closed', { session: s.id, reason: s.closeReason, messages: s.messages.c2s + s.messages.s2c }));
    const signal = await io.stopped;
    log('stopping', { signal });
    await httpLogin?.close();
    await run.close();
    const m = run.proxy.metrics.snapshot();
    log('done', { sessions: m.sessionsTotal, messages: m.total.messages, errors: m.total.errors });
    return 0;
  },
};
