/** The `otbridge` command dispatcher (the entry point is main.ts). */
import { COMMANDS } from './commands/index';
import { UsageError, type CliIo } from './command';
import { APP } from '../console/app-info';

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `${APP.name} ${APP.version} — integration console for OTClient and Canary (${APP.protocol})`,
    '',
    'usage: otbridge <command> [options]     otbridge help <command>',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
  ].join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const target = rest[0] && COMMANDS.find((c) => c.name === rest[0]);
    process.stdout.write(target ? `${target.usage}\n` : help());
    return 0;
  }
  if (name === '--version' || name === '-v') return main(['version']);
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`otbridge: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  let onSignal: ((s: NodeJS.Signals) => void) | undefined;
  const stopped = new Promise<string>((resolve) => {
    onSignal = (s) => resolve(s);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  const io: CliIo = { out: process.stdout, err: process.stderr, stopped };
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`otbridge ${name}: ${e.message}\n\n${command.usage}\n`);
      return 2;
    }
    process.stderr.write(`otbridge ${name}: ${(e as Error).message}\n`);
    if (process.env.OTBRIDGE_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return 1;
  } finally {
    if (onSignal) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}

