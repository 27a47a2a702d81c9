/** Every `otbridge` command. Add a command: one file in this folder, one line here. */
import type { CliCommand } from '../command';
import { consoleCommand } from './console';
import { recordingCommand } from './recording';
import { versionCommand } from './version';

export const COMMANDS: readonly CliCommand[] = [consoleCommand, recordingCommand, versionCommand];
