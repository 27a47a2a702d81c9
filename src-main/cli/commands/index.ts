/** Every `otbridge` command. Add a command: one file in this folder, one line here. */
import type { CliCommand } from '../command';
import { auditCommand } from './audit';
import { captureCommand } from './capture';
import { consoleCommand } from './console';
import { migrateCommand } from './migrate';
import { recordingCommand } from './recording';
import { scriptCommand } from './script';
import { versionCommand } from './version';

export const COMMANDS: readonly CliCommand[] = [auditCommand, captureCommand, consoleCommand, migrateCommand, recordingCommand, scriptCommand, versionCommand];
