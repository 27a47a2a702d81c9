/** Every `otbridge` command. Add a command: one file in this folder, one line here. */
import type { CliCommand } from '../command';
import { auditCommand } from './audit';
import { captureCommand } from './capture';
import { clientCommand } from './client';
import { consoleCommand } from './console';
import { demoCommand } from './demo';
import { migrateCommand } from './migrate';
import { proxyCommand } from './proxy';
import { recordingCommand } from './recording';
import { replayCommand } from './replay';
import { scriptCommand } from './script';
import { serverCommand } from './server';
import { versionCommand } from './version';

export const COMMANDS: readonly CliCommand[] = [
  auditCommand,
  captureCommand,
  clientCommand,
  consoleCommand,
  demoCommand,
  migrateCommand,
  proxyCommand,
  recordingCommand,
  replayCommand,
  scriptCommand,
  serverCommand,
  versionCommand,
];
