/** A CliIo for running a command's code in a test: captured output, and a stop() standing in for Ctrl-C. */
import { PassThrough } from 'node:stream';
import type { CliIo } from '../src-main/cli/command';

export interface TestIo extends CliIo {
  text(): string;
  errText(): string;
  stop(): void;
  /** Resolves when the output contains `pattern`. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
}

export function testIo(): TestIo {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (c: Buffer) => (o += c.toString()));
  err.on('data', (c: Buffer) => (e += c.toString()));
  let stop: (s: string) => void = () => undefined;
  const stopped = new Promise<string>((r) => (stop = r));
  return {
    out,
    err,
    stopped,
    text: () => o,
    errText: () => e,
    stop: () => stop('SIGINT'),
    async waitFor(pattern, ms = 20_000) {
      const end = Date.now() + ms;
      for (;;) {
        const m = o.match(pattern) ?? e.match(pattern);
        if (m) return m;
        if (Date.now() > end) throw new Error(`no ${pattern} in the output after ${ms} ms:\n${o}\n${e}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}
