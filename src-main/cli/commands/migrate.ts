import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { DATA_USAGE, VERIFY_USAGE, runDataCommand, runVerifyCommand } from '../../migrate/data/cli';
import { CONFIG_USAGE, runConfigCommand } from '../../migrate/config/cli';

export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'migrate game data (TFS → Canary, custom profiles) and Lua configs',
  usage: [DATA_USAGE, VERIFY_USAGE, CONFIG_USAGE].join('\n\n'),
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === 'data') return runDataCommand(rest, io);
    if (sub === 'verify') return runVerifyCommand(rest, io);
    if (sub === 'config') return runConfigCommand(rest, io);
    throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'expected a subcommand: data, verify or config');
  },
};
