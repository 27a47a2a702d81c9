/**
 * config.lua from TFS 1.4 to Canary 3.6.1. Key names and units are facts
 * from both servers' config managers (TFS src/configmanager.cpp at v1.4.2,
 * Canary src/config/configmanager.cpp at v3.6.1): where a name changed, a
 * unit changed (seconds → milliseconds), or a setting went away.
 */
import { type ConfigProfile, type ConfigRule } from './migrate';
import { SCHEMAS } from './schema';

const serverSave = ['NotifyMessage', 'NotifyDuration', 'CleanMap', 'Close', 'Shutdown'].map(
  (s): ConfigRule => ({ kind: 'rename', from: `serverSave${s}`, to: `globalServerSave${s}` }),
);

const removed: [string, string][] = [
  ['classicEquipmentSlots', 'Canary always uses the current equipment rules'],
  ['showOnlineStatusInCharlist', 'the character list shows what the client supports'],
  ['yellMinimumLevel', 'Canary has no minimum level for yelling in config.lua'],
  ['yellAlwaysAllowPremium', 'Canary has no minimum level for yelling in config.lua'],
  ['forceMonsterTypesOnLoad', 'Canary always loads monster types at start'],
  ['defaultWorldLight', 'world light is handled by Canary itself'],
  ['luaItemDesc', 'item descriptions come from Canary\'s own Lua'],
  ['removeOnDespawn', 'despawn behaviour is fixed in Canary'],
  ['walkToSpawnRadius', 'despawn behaviour is fixed in Canary'],
  ['showPlayerLogInConsole', 'use logLevel instead'],
  ['vipFreeLimit', 'VIP limits come from the account and group in Canary'],
  ['vipPremiumLimit', 'VIP limits come from the account and group in Canary'],
  ['killsToBlackSkull', 'Canary sets skulls by day/week/month kill counts (dayKillsToRedSkull, …) and blackSkullDuration'],
  ['houseDoorShowPrice', 'the closest Canary setting is housePurchasedShowPrice, which means something else'],
  ['experienceStages', 'Canary reads experience stages from data/stages.lua: copy the stages there; rateUseStages = true turns them on'],
];

export const TFS_CANARY_CONFIG: ConfigProfile = {
  name: 'tfs-canary',
  description: 'TFS 1.4 config.lua → Canary 3.6.1',
  from: 'TFS 1.4',
  to: SCHEMAS.canary,
  options: {
    maxOnlineWhenMulti: {
      description: 'maxPlayersOnlinePerAccount when TFS allowed several characters of an account online (onePlayerOnlinePerAccount = false): Canary needs a number',
      default: '4',
    },
  },
  rules: [
    { kind: 'rename', from: 'motd', to: 'serverMotd' },
    { kind: 'rename', from: 'depotFreeLimit', to: 'freeDepotLimit' },
    { kind: 'rename', from: 'depotPremiumLimit', to: 'premiumDepotLimit' },
    { kind: 'rename', from: 'killsToRedSkull', to: 'dayKillsToRedSkull' },
    ...serverSave,
    { kind: 'rename', from: 'timeToDecreaseFrags', to: 'timeToDecreaseFrags', scale: 1000, note: 'TFS counts seconds, Canary milliseconds' },
    { kind: 'rename', from: 'whiteSkullTime', to: 'whiteSkullTime', scale: 1000, note: 'TFS counts seconds, Canary milliseconds' },
    {
      kind: 'convert',
      from: ['onePlayerOnlinePerAccount', 'allowClones'],
      to: 'maxPlayersOnlinePerAccount',
      convert: ([one, clones], opts) => {
        const multi = Number(opts.maxOnlineWhenMulti ?? 4);
        if (one === false) return { value: multi, note: `TFS allowed any number; option maxOnlineWhenMulti = ${multi}` };
        const note = one === undefined ? 'TFS default: one' : 'one character online per account';
        return { value: 1, note: clones === true ? `${note}; Canary never lets the same character log in twice (allowClones)` : note };
      },
    },
    ...removed.map(([key, note]): ConfigRule => ({ kind: 'remove', key, note })),
    { kind: 'add', key: 'rateUseStages', value: (cfg) => cfg.get('experienceStages')?.value != null, note: 'true when TFS had experienceStages: copy them to data/stages.lua' },
    { kind: 'add', key: 'globalServerSaveTime', value: '06:00:00', note: 'when the daily server save runs' },
    { kind: 'add', key: 'maxPlayersOutsidePZPerAccount', value: 1, note: 'characters of one account allowed outside protection zones at once' },
    { kind: 'add', key: 'authType', value: 'password', note: 'log in with account password (not sessions)' },
    { kind: 'add', key: 'dataPackDirectory', value: 'data-otservbr-global', note: "Canary's datapack folder: point it at the datapack you run" },
  ],
};
