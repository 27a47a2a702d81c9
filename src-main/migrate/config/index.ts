/** The config migrator: Lua config reading and in-place editing, schemas, profiles, OTClient entries, diffs. */
export { readLuaConfig, evaluate, luaLiteral, LuaSyntaxError, DYNAMIC, type LuaConfig, type ConfigEntry, type LuaValue, type LuaTable } from './lua';
export { validateConfig, checkValue, SCHEMAS, type ConfigSchema, type KeySchema, type ConfigProblem } from './schema';
export { migrateConfig, type ConfigProfile, type ConfigRule, type ConfigChange, type ConfigMigration } from './migrate';
export { TFS_CANARY_CONFIG } from './tfs-canary';
export {
  canaryToServerEntry,
  upsertServerEntry,
  readServerEntries,
  applyServerEntryToCanary,
  mergeMappings,
  parseMapping,
  NETWORK_MAPPING,
  CANARY_CLIENT_VERSION,
  HTTP_LOGIN_FROM,
  type ServerEntry,
  type NetworkMapping,
  type MappingPair,
} from './otclient';
export { unifiedDiff } from './diff';
