import { readFile } from 'node:fs/promises';
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { intOption, parse } from '../args';
import { createScriptRunner, DEFAULT_LIMITS, isScriptError } from '../../scripting';

export const scriptCommand: CliCommand = {
  name: 'script',
  summary: 'run a Lua script locally, in the sandbox the server uses for SCRIPT_EXECUTE',
  usage: `otbridge script (FILE.lua | -e SOURCE | -) [--world FILE.json] [--args JSON] [--timeout MS] [--memory MIB] [--json]

Runs a Lua 5.4 script exactly as a server answering SCRIPT_EXECUTE would: same
sandbox, same limits, same result conversion. Use it to try a script against
a saved world before sending it to a live server.

  FILE.lua          the script; "-" reads it from standard input
  -e, --eval SOURCE the script as text
  --world FILE      a JSON file whose value is the global \`world\` (read-only)
  --args JSON       the global \`args\`, as JSON text
  --timeout MS      time limit (default ${DEFAULT_LIMITS.defaultTimeoutMs}, at most ${DEFAULT_LIMITS.maxTimeoutMs})
  --memory MIB      memory limit (default ${DEFAULT_LIMITS.memoryLimitBytes / 1048576})
  --json            print the SCRIPT_RESULT or SCRIPT_ERROR body as one JSON line

Printed lines go to standard output, then the result as JSON. A failed script
prints its kind, message and traceback on standard error and exits with 1.`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      eval: { type: 'string', short: 'e' },
      world: { type: 'string' },
      args: { type: 'string' },
      timeout: { type: 'string' },
      memory: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length > 1) throw new UsageError(`expected one script, got ${positionals.length}`);
    if (values.eval !== undefined && positionals.length > 0) throw new UsageError('give the script as a file or with --eval, not both');
    const source = values.eval ?? (await readSource(positionals[0]));
    const timeoutMs = intOption(values.timeout, 'timeout', 1, DEFAULT_LIMITS.maxTimeoutMs, DEFAULT_LIMITS.defaultTimeoutMs);
    const memoryMib = intOption(values.memory, 'memory', 1, 4096, DEFAULT_LIMITS.memoryLimitBytes / 1048576);
    let args: unknown;
    if (values.args !== undefined) {
      try {
        args = JSON.parse(values.args);
      } catch (e) {
        throw new UsageError(`--args is not JSON: ${(e as Error).message}`);
      }
    }
    const worldJson = values.world === undefined ? undefined : await readWorld(values.world);

    const runner = createScriptRunner({ maxConcurrent: 1, warmWorkers: 0, memoryLimitBytes: memoryMib * 1048576 });
    try {
      const outcome = await runner.run({ source, timeoutMs, ...(args === undefined ? {} : { args }), ...(worldJson === undefined ? {} : { worldJson }) });
      if (values.json) {
        io.out.write(`${JSON.stringify(outcome)}\n`);
        return isScriptError(outcome) ? 1 : 0;
      }
      if (isScriptError(outcome)) {
        io.err.write(`${outcome.kind} error: ${outcome.message}\n${outcome.traceback ? `${outcome.traceback}\n` : ''}`);
        return 1;
      }
      for (const line of outcome.output) io.out.write(`${line}\n`);
      io.out.write(`${JSON.stringify(outcome.result, null, 2)}\n`);
      io.err.write(`(ran in ${outcome.durationMs} ms)\n`);
      return 0;
    } finally {
      await runner.close();
    }
  },
};

async function readSource(file: string | undefined): Promise<string> {
  if (file === undefined) throw new UsageError('expected a script: a file, "-" for standard input, or --eval SOURCE');
  if (file !== '-') return readFile(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The file's JSON text, checked to be JSON (the runner hands it to the worker as it is). */
async function readWorld(file: string): Promise<string> {
  const text = await readFile(file, 'utf8');
  try {
    JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--world ${file} is not JSON: ${(e as Error).message}`);
  }
  return text;
}
