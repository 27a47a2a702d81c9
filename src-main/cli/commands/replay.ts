import { readFileSync, writeFileSync } from 'node:fs';
import type { CliCommand, CliIo } from '../command';
import { UsageError } from '../command';
import { intOption, parse, parseHostPort } from '../args';
import { identityPolicy, rememberIdentity } from '../trust';
import { fingerprint } from '../../net/keys';
import { loadOrCreateKeys } from '../../peers/identity-file';
import { currentActor, openAuditLog } from '../../audit/index';
import { ReplayError } from '../../replay/errors';
import { runReplay, checkSpeed } from '../../replay/runner';
import { parseTolerance, type RuleOptions } from '../../replay/rules';
import { formatReport } from '../../replay/report-text';
import { toJUnit } from '../../replay/junit';
import { ProgressPrinter } from '../../replay/progress';
import { MockServer } from '../../replay/serve/mock-server';
import { formatMockClient } from '../../replay/serve/report-text';
import { parseSessionList, readCredentials, readRulesFile } from '../../replay/cli-input';

const USAGE = `otbridge replay <capture> --target H:P (--trust KEY | --trust-on-first-use) [options]
otbridge replay --serve <capture> [--listen 127.0.0.1:7182] [options]

Client replay: each captured session (pcapng from the proxy, or its NDJSON
export) is played against a live server — a fresh connection, its own
handshake and login, then the captured client messages in order — and every
answer is compared with the captured one. Values the server hands out (player
and session ids, event ids, state versions, resource hashes) are learnt from
the new answers and put into later messages. Exit code 0 only when every
session matched.

  --target H:P            the server under test
  --trust KEY             pin its identity key (base64url, as the server prints it; --trust=KEY when it starts with "-")
  --trust-on-first-use    accept the key it presents (and remember it for this address)
  --sessions LIST         which sessions: 1,3,5-7 (default: every replayable one)
  --account A             log in as A for every session (default: each session's captured account)
  --password P            the password (captures never hold one)
  --password-file FILE    … read from a file
  --credentials FILE      passwords by account: JSON {"bot1": "…"} or lines "account:password"
  --speed N|max           0.1 … 100 × the captured timing, or max: as fast as answers allow (default 1)
  --loop N                replay everything N times (default 1)
  --concurrency N         sessions replayed at once (default 256)
  --ignore RULE           leave a path out of every comparison (repeatable): /accessToken, **/ts,
                          EVENT_BROADCAST:/data/at, state:/world/time (see docs/replay.md)
  --ignore-push KIND      leave a kind of push out of the comparison, still counted (repeatable):
                          TYPE [NAME [from SOURCE]] with globs, e.g. 'EVENT_BROADCAST chat.*',
                          'EVENT_BROADCAST * from bot-2' (a lone session of a capture of several players)
  --no-default-ignores    compare tokens, session ids and clock stamps too
  --epsilon E             numbers may differ by E
  --tolerance PATH=E      … at PATH only (repeatable): "/player/health=2"
  --unordered PATH        compare the array at PATH as an unordered set (repeatable)
  --rules FILE            JSON: {"ignore": […], "ignorePushes": […], "epsilon": E, "tolerances": [{"path", "epsilon"}], "unordered": […]}
  --timeout MS            how long a request waits for its answer (default 10000)
  --settle MS             quiet time after the last message that ends a session (default 300)
  --no-logout             do not log out at the end of a session the capture did not log out of
  --allow-damage          replay a damaged capture (truncated, corrupted blocks) as far as it reads
  --report FILE           write the JSON report
  --junit FILE            write a JUnit XML report (for CI)
  --json                  print the JSON report on stdout instead of the summary
  --verbose               identities and latencies of every session in the summary
  --audit-log FILE        default $OTBRIDGE_AUDIT_LOG or ~/.otbridge/audit.ndjson

Server replay (--serve): the capture plays the server for a live client (an
OTClient-side build under test). Handshake and login are answered with our
own keys and tokens; each client request gets the captured answer that
matches it by type and body; the captured pushes are re-sent on their
original timing. Unmatched requests are reported (exit code 1).

  --listen H:P            where to listen (default 127.0.0.1:7182)
  --key-file FILE         our identity and token keys (created when missing; default: fresh keys, printed)
  --speed N               push timing factor, 0.1 … 100 (default 1)
  --answer-unmatched      answer requests that match nothing with ERROR NOT_FOUND
  --once                  stop after the first client disconnects
  --sessions, --ignore, --rules, --report, --json, --allow-damage, --audit-log as above

Examples:
  otbridge replay run.pcapng --target 127.0.0.1:7180 --trust 7Ukox… --password bot --junit replay.xml
  otbridge replay run.pcapng --target 127.0.0.1:7180 --trust-on-first-use --credentials pw.json --speed max --loop 3
  otbridge replay --serve run.pcapng --listen 127.0.0.1:7182 --key-file mock-keys.json --once`;

export const replayCommand: CliCommand = {
  name: 'replay',
  summary: 'replay captured sessions against a live server and compare the answers, or serve a capture to a live client',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      serve: { type: 'boolean', default: false },
      target: { type: 'string' },
      trust: { type: 'string' },
      'trust-on-first-use': { type: 'boolean', default: false },
      sessions: { type: 'string' },
      account: { type: 'string' },
      password: { type: 'string' },
      'password-file': { type: 'string' },
      credentials: { type: 'string' },
      speed: { type: 'string' },
      loop: { type: 'string' },
      concurrency: { type: 'string' },
      ignore: { type: 'string', multiple: true },
      'ignore-push': { type: 'string', multiple: true },
      'no-default-ignores': { type: 'boolean', default: false },
      epsilon: { type: 'string' },
      tolerance: { type: 'string', multiple: true },
      unordered: { type: 'string', multiple: true },
      rules: { type: 'string' },
      timeout: { type: 'string' },
      settle: { type: 'string' },
      'no-logout': { type: 'boolean', default: false },
      'allow-damage': { type: 'boolean', default: false },
      report: { type: 'string' },
      junit: { type: 'string' },
      json: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      'audit-log': { type: 'string' },
      listen: { type: 'string' },
      'key-file': { type: 'string' },
      'answer-unmatched': { type: 'boolean', default: false },
      once: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1) throw new UsageError(positionals.length ? `one capture file, got ${positionals.length} arguments` : 'which capture? give its path');
    const capture = positionals[0]!;
    try {
      const rules = ruleOptions(values);
      const sessions = values.sessions ? parseSessionList(values.sessions) : undefined;
      if (values.serve) return await serve(capture, values, rules, sessions, io);
      return await replay(capture, values, rules, sessions, io);
    } catch (e) {
      if (e instanceof ReplayError && (e.code === 'BAD_OPTION' || e.code === 'BAD_RULE')) throw new UsageError(e.message);
      throw e;
    }
  },
};

type Values = Record<string, string | boolean | string[] | undefined>;

function ruleOptions(v: Values): RuleOptions {
  const file = typeof v.rules === 'string' ? readRulesFile(v.rules) : {};
  const epsilon = typeof v.epsilon === 'string' ? Number(v.epsilon) : file.epsilon;
  if (epsilon !== undefined && (!Number.isFinite(epsilon) || epsilon < 0)) throw new UsageError(`--epsilon must be a number ≥ 0, got "${String(v.epsilon)}"`);
  const list = (k: string): string[] => (Array.isArray(v[k]) ? (v[k] as string[]) : []);
  return {
    ignore: [...(file.ignore ?? []), ...list('ignore')],
    ignorePushes: [...(file.ignorePushes ?? []), ...list('ignore-push')],
    defaultIgnores: !v['no-default-ignores'],
    ...(epsilon !== undefined ? { epsilon } : {}),
    tolerances: [...(file.tolerances ?? []), ...list('tolerance').map(parseTolerance)],
    unordered: [...(file.unordered ?? []), ...list('unordered')],
  };
}

async function audit(v: Values, io: CliIo, entry: { kind: string; params: unknown; outcome: unknown }): Promise<void> {
  try {
    await openAuditLog(typeof v['audit-log'] === 'string' ? v['audit-log'] : undefined).append({ ...entry, actor: currentActor() });
  } catch (e) {
    io.err.write(`warning: the audit log was not written: ${(e as Error).message}\n`);
  }
}

async function replay(capture: string, v: Values, rules: RuleOptions, sessions: number[] | undefined, io: CliIo): Promise<number> {
  if (typeof v.target !== 'string') throw new UsageError('--target host:port is required (the server to replay against); or --serve to play the server yourself');
  const target = parseHostPort(v.target);
  const address = `${target.host}:${target.port}`;
  const identity = identityPolicy(address, { ...(typeof v.trust === 'string' ? { trust: v.trust } : {}), trustOnFirstUse: v['trust-on-first-use'] === true });
  let password = typeof v.password === 'string' ? v.password : undefined;
  if (typeof v['password-file'] === 'string') password = readFileSync(v['password-file'], 'utf8').replace(/\r?\n$/, '');
  const passwords = typeof v.credentials === 'string' ? readCredentials(v.credentials) : undefined;
  const speed = checkSpeed(typeof v.speed === 'string' ? v.speed : 1);
  const printer = new ProgressPrinter(io.err);
  const abort = new AbortController();
  void io.stopped.then((signal) => {
    printer.clear();
    io.err.write(`${signal}: stopping the replay (sessions running now end as errors)\n`);
    abort.abort();
  });
  let seenIdentity: Uint8Array | null = null;
  const report = await runReplay({
    capture,
    target,
    identity,
    ...(sessions ? { sessions } : {}),
    ...(typeof v.account === 'string' ? { account: v.account } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(passwords ? { passwords } : {}),
    speed,
    loop: intOption(v.loop as string | undefined, 'loop', 1, 100_000, 1),
    concurrency: intOption(v.concurrency as string | undefined, 'concurrency', 1, 10_000, 256),
    rules,
    allowDamage: v['allow-damage'] === true,
    requestTimeoutMs: intOption(v.timeout as string | undefined, 'timeout', 1, 600_000, 10_000),
    settleMs: intOption(v.settle as string | undefined, 'settle', 0, 600_000, 300),
    logoutAtEnd: v['no-logout'] !== true,
    signal: abort.signal,
    onProgress: (p) => printer.progress(p),
    onSession: (s) => {
      if (!v.json) printer.session(s);
    },
    onServerIdentity: (k) => {
      seenIdentity = k;
    },
  });
  printer.clear();
  if ('trustOnFirstUse' in identity && seenIdentity) {
    rememberIdentity(address, seenIdentity);
    io.err.write(`trusting ${address} from now on: ${fingerprint(seenIdentity)}\n`);
  }
  if (typeof v.report === 'string') writeFileSync(v.report, `${JSON.stringify(report, null, 2)}\n`);
  if (typeof v.junit === 'string') writeFileSync(v.junit, toJUnit(report));
  io.out.write(v.json ? `${JSON.stringify(report)}\n` : formatReport(report, { verbose: v.verbose === true }));
  await audit(v, io, {
    kind: 'replay.run',
    params: {
      capture,
      target: address,
      sessions: report.options.sessions,
      speed: report.options.speed,
      loop: report.options.loop,
      ignore: report.options.ignore,
      ignorePushes: report.options.ignorePushes ?? [],
    },
    outcome: { verdict: report.verdict, counts: report.counts, durationMs: report.durationMs },
  });
  return report.exitCode;
}

async function serve(capture: string, v: Values, rules: RuleOptions, sessions: number[] | undefined, io: CliIo): Promise<number> {
  const listen = parseHostPort(typeof v.listen === 'string' ? v.listen : '127.0.0.1:7182');
  const speed = checkSpeed(typeof v.speed === 'string' ? v.speed : 1);
  if (speed === 'max') throw new UsageError('--serve plays pushes on their timing: --speed is a factor from 0.1 to 100');
  const keys = typeof v['key-file'] === 'string' ? loadOrCreateKeys(v['key-file']) : undefined;
  const mock = await MockServer.start({
    capture,
    ...(sessions ? { sessions } : {}),
    host: listen.host,
    port: listen.port,
    ...(keys ? { keys } : {}),
    speed,
    answerUnmatched: v['answer-unmatched'] === true,
    rules,
    allowDamage: v['allow-damage'] === true,
  });
  const a = mock.address;
  const key = Buffer.from(mock.identity.publicRaw).toString('base64url');
  io.err.write(`server replay of ${capture} on ${a.host}:${a.port}\n`);
  io.err.write(`identity ${key} (${mock.fingerprint}): clients must pin it (otbridge client --trust=${key})\n`);
  for (const s of mock.sessions) io.err.write(`  session ${s.session} (${s.account ?? 'unknown account'}): ${s.steps} client messages to answer\n`);
  const firstClient = new Promise<void>((resolve) => {
    mock.onClientDone = (c) => {
      if (!v.json) io.out.write(formatMockClient(c));
      if (v.once) resolve();
    };
  });
  await Promise.race([io.stopped, ...(v.once ? [firstClient] : [])]);
  const report = await mock.close();
  if (typeof v.report === 'string') writeFileSync(v.report, `${JSON.stringify(report, null, 2)}\n`);
  if (v.json) io.out.write(`${JSON.stringify(report)}\n`);
  else io.out.write(`served ${report.clients.length} client${report.clients.length === 1 ? '' : 's'}: ${report.verdict.toUpperCase()} (exit code ${report.exitCode})\n`);
  await audit(v, io, {
    kind: 'replay.serve',
    params: { capture, listen: report.listen, sessions: mock.sessions.map((s) => s.session), speed },
    outcome: { verdict: report.verdict, clients: report.clients.length, unmatched: report.clients.reduce((n, c) => n + c.unmatched.length + c.moreUnmatched, 0) },
  });
  return report.exitCode;
}
