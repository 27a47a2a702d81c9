/** Every `otbridge` command. Add a command: one file in this folder, one line here. */
import type { CliCommand } from '../command';
import { consoleCommand } from './console';
import { recordingCommand } from './recording';
import { scriptCommand } from './script';
import { versionCommand } from './version';

export const COMMANDS: readonly CliCommand[] = [consoleCommand, recordingCommand, scriptCommand, versionCommand];
