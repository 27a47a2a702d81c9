/**
 * `otbridge` — the command line. Every command drives the same services as
 * the console, headless.
 */
import { main } from './run';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`otbridge: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
