/** `otbridge recording import|export`: OTClient packet recordings ↔ otgame captures. */
import { type CliCommand, type CliIo, UsageError } from '../command';
import { intOption, parse } from '../args';
import { exportRecordingFile, importRecordingFile } from '../../recordings/files';

const USAGE = `otbridge recording <import|export> <file> [options]

OTClient records a game session with g_game.setRecordNextSession (one line per
message: "< ms hex" received, "> ms hex" sent) and plays one back with
g_game.playRecord(file). These commands move recordings in and out of
otbridge captures, where the console, tail, export and Wireshark can read them.

  import <file.rec> -o <out.pcapng> [--session N] [--start ISO|ms] [--version V] [--overwrite]
      Each line becomes an otgame record: opcode named, fields decoded. Bad
      lines are reported with their number and skipped.
      --start     when the recording began (default: epoch 0, times stay relative)
      --version   protocol version for the field decoders (e.g. 1412)

  export <capture> [-o out.rec] [--session N] [--version V]
      One session of a capture (pcapng or NDJSON; default: the first with
      otgame game records) as an OTClient recording, to stdout without -o.
      The login packet and undecoded frames are left out and listed.`;

export const recordingCommand: CliCommand = {
  name: 'recording',
  summary: 'OTClient packet recordings: import into a capture, export a capture session',
  usage: USAGE,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === 'import') return importCmd(rest, io);
    if (sub === 'export') return exportCmd(rest, io);
    throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'expected import or export');
  },
};

function startOption(v: string | undefined): number {
  if (v === undefined) return 0;
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(n)) throw new UsageError(`--start must be an ISO date or epoch ms, got "${v}"`);
  return n;
}

async function importCmd(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    output: { type: 'string', short: 'o' },
    session: { type: 'string' },
    start: { type: 'string' },
    version: { type: 'string' },
    overwrite: { type: 'boolean', default: false },
  });
  const [input] = positionals;
  if (!input || positionals.length > 1) throw new UsageError('expected one recording file');
  if (!values.output) throw new UsageError('-o <out.pcapng> is required');
  const version = intOption(values.version, 'version', 700, 9999, 0);
  const r = await importRecordingFile(input, values.output, {
    session: intOption(values.session, 'session', 0, 0xffffffff, 1),
    start: startOption(values.start),
    ...(version ? { version } : {}),
    writer: { overwrite: values.overwrite },
  });
  for (const p of r.problems) io.err.write(`${input}:${p.line}: ${p.message} (skipped)\n`);
  io.out.write(`${values.output}: ${r.records} message(s) from ${input}${r.problems.length ? `, ${r.problems.length} line(s) skipped` : ''}\n`);
  return 0;
}

async function exportCmd(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    output: { type: 'string', short: 'o' },
    session: { type: 'string' },
    version: { type: 'string' },
  });
  const [input] = positionals;
  if (!input || positionals.length > 1) throw new UsageError('expected one capture file');
  const session = values.session === undefined ? undefined : intOption(values.session, 'session', 0, 0xffffffff, 0);
  const version = intOption(values.version, 'version', 700, 9999, 0);
  const out = values.output ?? '-';
  const r = await exportRecordingFile(input, out, { ...(session !== undefined ? { session } : {}), ...(version ? { version } : {}) });
  if (out === '-') io.out.write(r.text);
  for (const s of r.skipped) io.err.write(`message ${s.id} left out: ${s.reason}\n`);
  io.err.write(`session ${r.session}: ${r.lines} line(s)${out === '-' ? '' : ` → ${out}`}${r.sessions.length > 1 ? ` (other sessions: ${r.sessions.filter((x) => x !== r.session).join(', ')})` : ''}\n`);
  return 0;
}
