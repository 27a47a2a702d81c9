/** `otbridge capture info|export|tail|import|reindex`: look into captures without Wireshark. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { basename } from 'node:path';
import { type CliCommand, type CliIo, UsageError } from '../command';
import { intOption, parse } from '../args';
import {
  CaptureReader,
  exportNdjson,
  followCapture,
  formatRecordLine,
  formatSessionLine,
  messageLine,
  ndjsonToCapture,
  registerPduCodec,
  summarizeCapture,
  type CaptureSummary,
} from '../../capture/index';
import { formatEndpoint } from '../../capture/ip';
import { indexPath } from '../../capture/parts';
import { rm } from 'node:fs/promises';
import { otgamePduCodec } from '../../proxy/dialects/otgame/pdu';
import { type Dir } from '../../../src-shared/records';

const USAGE = `otbridge capture <info|export|tail|import|reindex> <file> [options]

  info <file> [--json]
      Files, sessions, counts per type and direction, time span, and any
      damage (a truncated last block, corrupted blocks) of a capture.

  export <file> [--format ndjson] [-o out.ndjson] [--session N] [--dir c2s|s2c]
         [--from ID] [--to ID] [--bytes auto|all|none] [--hex]
      One JSON object per line: the capture, each session's metadata, each
      message with its body. Bytes (base64, or hex with --hex) only where the
      body does not reproduce them, unless --bytes all. Writes to stdout
      without -o.

  tail <file> [-f|--follow] [-n N] [--session N] [--json] [--body CHARS] [--poll MS]
      One line per message, like tcpdump. -n N starts with the last N
      messages; --follow keeps printing new ones as the capture grows
      (across rotated parts, looking every --poll ms, default 250) until
      Ctrl-C. --json prints export lines; --body sets how much of each
      body is shown (default 80 characters, 0 for none).

  import <file.ndjson> -o <out.pcapng> [--overwrite]
      Turns an NDJSON export back into a pcapng capture.

  reindex <file>
      Rebuilds the capture's index (<file>.idx) from the capture itself.`;

export const captureCommand: CliCommand = {
  name: 'capture',
  summary: 'inspect captures: info, export (NDJSON), tail, import, reindex',
  usage: USAGE,
  async run(argv, io) {
    // Captures of the OT game protocol store that dialect's own PDU; its codec splits it back into bytes.
    registerPduCodec(otgamePduCodec);
    const [sub, ...rest] = argv;
    switch (sub) {
      case 'info':
        return info(rest, io);
      case 'export':
        return exportCmd(rest, io);
      case 'tail':
        return tail(rest, io);
      case 'import':
        return importCmd(rest, io);
      case 'reindex':
        return reindex(rest, io);
      case undefined:
        throw new UsageError('which subcommand: info, export, tail, import or reindex?');
      default:
        throw new UsageError(`unknown subcommand "${sub}"`);
    }
  },
};

function onePath(positionals: string[], what = 'a capture file'): string {
  if (positionals.length !== 1) throw new UsageError(`expected ${what}, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`);
  return positionals[0]!;
}

function dirOption(v: string | undefined): Dir | undefined {
  if (v === undefined) return undefined;
  if (v !== 'c2s' && v !== 's2c') throw new UsageError(`--dir must be c2s or s2c, got "${v}"`);
  return v;
}

const MAX_ID = Number.MAX_SAFE_INTEGER;

async function info(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean', default: false } });
  const reader = await CaptureReader.open(onePath(positionals));
  try {
    const s = await summarizeCapture(reader);
    io.out.write(values.json ? `${JSON.stringify(s, null, 2)}\n` : renderInfo(s));
    return 0;
  } finally {
    await reader.close();
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();
const size = (n: number): string => (n >= 1048576 ? `${(n / 1048576).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);

export function renderInfo(s: CaptureSummary): string {
  const out: string[] = [];
  out.push(`capture   ${s.path}${s.captureId ? `  (id ${s.captureId.slice(0, 12)}…${s.application ? `, ${s.application}` : ''})` : ''}`);
  out.push(`files     ${s.files.length} part${s.files.length === 1 ? '' : 's'}, ${size(s.bytes)}: ${s.files.map((f) => `${basename(f.path)} (${size(f.size)})`).join(', ')}`);
  if (s.first !== undefined && s.last !== undefined) out.push(`span      ${iso(s.first)} → ${iso(s.last)} (${((s.last - s.first) / 1000).toFixed(3)} s)`);
  out.push(`messages  ${s.records} (c2s ${s.byDir.c2s}, s2c ${s.byDir.s2c}); decode errors ${s.errors}, faulted ${s.faulted}, not decrypted ${s.encrypted}`);
  out.push(`index     ${s.index.state}, ${s.index.entries} entries${s.index.added ? `, ${s.index.added} found by scanning` : ''}${s.index.saved ? ', saved' : ''}`);
  if (s.writerPid !== undefined) out.push(`writer    still being written by pid ${s.writerPid}`);
  out.push(`truncated ${s.truncated ? 'yes: the last block is incomplete (everything before it is readable)' : 'no'}`);
  out.push('', `sessions (${s.sessions.length})`);
  for (const x of s.sessions) {
    const m = x.meta;
    const bits = [`  ${String(m.session).padStart(4)}`, `${x.records} msg`];
    if (m.mode) bits.push(String(m.mode));
    if (m.client || m.server) bits.push(`${formatEndpoint(m.client)} → ${formatEndpoint(m.server)}`);
    if (typeof m.account === 'string') bits.push(`account ${m.account}`);
    if (typeof m.start === 'number') bits.push(`from ${iso(m.start)}`);
    if (typeof m.end === 'number') bits.push(`to ${iso(m.end)}${m.closeReason ? ` (${String(m.closeReason)})` : ''}`);
    out.push(bits.join('  '));
  }
  if (s.types.length) {
    const w = Math.max(4, ...s.types.map((t) => t.type.length + t.dialect.length + 1));
    out.push('', `${'type'.padEnd(w + 2)}${'c2s'.padStart(8)}${'s2c'.padStart(8)}`);
    for (const t of s.types) out.push(`  ${`${t.dialect} ${t.type}`.padEnd(w)}${String(t.c2s).padStart(8)}${String(t.s2c).padStart(8)}`);
  }
  if (s.warnings.length) {
    out.push('', `warnings (${s.warnings.length})`);
    for (const w of s.warnings) out.push(`  ${w.kind}: ${basename(w.file)}${w.offset !== undefined ? ` @${w.offset}` : ''}: ${w.message}`);
  }
  return `${out.join('\n')}\n`;
}

async function exportCmd(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    format: { type: 'string', default: 'ndjson' },
    output: { type: 'string', short: 'o' },
    session: { type: 'string' },
    dir: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    bytes: { type: 'string', default: 'auto' },
    hex: { type: 'boolean', default: false },
  });
  if (values.format !== 'ndjson') throw new UsageError(`--format ${values.format} is not supported (ndjson is)`);
  const bytes = (['auto', 'all', 'none'] as const).find((b) => b === values.bytes);
  if (!bytes) throw new UsageError('--bytes must be auto, all or none');
  const session = values.session === undefined ? undefined : intOption(values.session, 'session', 0, 0xffffffff, 0);
  const dir = dirOption(values.dir);
  const fromId = values.from === undefined ? undefined : intOption(values.from, 'from', 0, MAX_ID, 0);
  const toId = values.to === undefined ? undefined : intOption(values.to, 'to', 0, MAX_ID, 0);
  const reader = await CaptureReader.open(onePath(positionals));
  try {
    const out = values.output ? createWriteStream(values.output) : io.out;
    const opts = {
      bytes,
      encoding: values.hex ? ('hex' as const) : ('base64' as const),
      ...(session !== undefined ? { session } : {}),
      ...(dir ? { dir } : {}),
      ...(fromId !== undefined ? { fromId } : {}),
      ...(toId !== undefined ? { toId } : {}),
    };
    const r = await exportNdjson(reader, out, opts);
    if (values.output) {
      (out as NodeJS.WritableStream).end();
      await once(out, 'finish');
      io.err.write(`${r.records} messages and ${r.sessions} session blocks written to ${values.output}\n`);
    }
    for (const w of reader.warnings) io.err.write(`warning: ${w.kind}: ${w.message}\n`);
    return 0;
  } finally {
    await reader.close();
  }
}

async function tail(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    follow: { type: 'boolean', short: 'f', default: false },
    lines: { type: 'string', short: 'n' },
    session: { type: 'string' },
    json: { type: 'boolean', default: false },
    body: { type: 'string' },
    poll: { type: 'string' },
  });
  const path = onePath(positionals);
  const last = values.lines === undefined ? undefined : intOption(values.lines, 'lines', 0, MAX_ID, 0);
  const session = values.session === undefined ? undefined : intOption(values.session, 'session', 0, 0xffffffff, 0);
  const bodyChars = intOption(values.body, 'body', 0, 100_000, 80);
  const pollMs = intOption(values.poll, 'poll', 10, 60_000, 250);
  const stop = new AbortController();
  void io.stopped.then(() => stop.abort());
  for await (const item of followCapture(path, {
    follow: values.follow,
    pollMs,
    signal: stop.signal,
    ...(last !== undefined ? { last } : {}),
    ...(session !== undefined ? { session } : {}),
  })) {
    let line: string;
    if (values.json) line = JSON.stringify(item.kind === 'session' ? { kind: 'session', ...item.meta } : messageLine(item.record));
    else line = item.kind === 'session' ? formatSessionLine(item.meta) : formatRecordLine(item.record, { bodyChars });
    if (!io.out.write(`${line}\n`)) await once(io.out, 'drain');
  }
  return 0;
}

async function importCmd(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, { output: { type: 'string', short: 'o' }, overwrite: { type: 'boolean', default: false } });
  const input = onePath(positionals, 'an NDJSON file');
  if (!values.output) throw new UsageError('-o <out.pcapng> is required');
  const r = await ndjsonToCapture(input, values.output, { overwrite: values.overwrite }, { onWarning: (m) => io.err.write(`warning: ${m}\n`) });
  io.out.write(`${r.records} messages and ${r.sessions} session blocks written to ${values.output}\n`);
  return 0;
}

async function reindex(argv: readonly string[], io: CliIo): Promise<number> {
  const { positionals } = parse(argv, {});
  const path = onePath(positionals);
  await rm(indexPath(path), { force: true });
  const reader = await CaptureReader.open(path);
  try {
    const i = reader.index;
    io.out.write(`${indexPath(path)}: ${i.entries} entries (${reader.recordCount} messages)${i.saved ? '' : ' — not saved: the capture is still being written'}\n`);
    for (const w of reader.warnings) io.err.write(`warning: ${w.kind}: ${w.message}\n`);
    return 0;
  } finally {
    await reader.close();
  }
}
