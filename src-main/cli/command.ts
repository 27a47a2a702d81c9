/** What every `otbridge <command>` provides. */
export interface CliCommand {
  readonly name: string;
  /** One line for `otbridge help`. */
  readonly summary: string;
  /** Full usage text for `otbridge help <command>` and `--help`. */
  readonly usage: string;
  /** Returns the process exit code. */
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

export interface CliIo {
  readonly out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly err: NodeJS.WritableStream & { isTTY?: boolean };
  /** Resolves when the user asks to stop (SIGINT/SIGTERM), for long-running commands. */
  readonly stopped: Promise<string>;
}

/** A bad command line: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}
