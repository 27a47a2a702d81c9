/**
 * Migrations: game data (src-main/migrate/data) and Lua configs
 * (src-main/migrate/config), UI-agnostic services that the CLI and the
 * console both drive. See docs/migrations.md.
 */
export * from './data/index';
export * from './config/index';
export { loadProfile, BUILTIN_PROFILES } from './profiles/index';
export { attachPrinter, progressLine, summaryText, eta } from './progress-printer';
