/**
 * The console's service modules beyond live traffic, one per domain. Add a
 * module: one file in this folder exporting a ServiceModule (its channels
 * declared in src-shared/ipc/contract.ts), one line here.
 */
import type { ServiceModule } from '../services';
import { replayModule } from './replay';
import { migrationsModule } from './migrations';
import { configModule } from './config';
import { auditModule } from './audit';

export const SERVICE_MODULES: readonly (() => ServiceModule)[] = [
  () => replayModule(),
  () => migrationsModule(),
  () => configModule(),
  () => auditModule(),
];
