import type { CliCommand } from '../command';
import { APP } from '../../console/app-info';

export const versionCommand: CliCommand = {
  name: 'version',
  summary: 'print the version',
  usage: 'otbridge version',
  async run(_argv, io) {
    io.out.write(`${APP.name} ${APP.version} (${APP.protocol})\n`);
    return 0;
  },
};
