/**
 * Config: the file and profile chosen, the preview the services computed
 * (both texts, hunks, changes, problems) and the last apply's result. Kept
 * in the store so a look at another view does not lose an open preview.
 */
import type { StateCreator } from 'zustand';
import type { ConfigApplied, ConfigOpenParams, ConfigPreview, ConfigProfileInfo, ConfigProfileName, ConfigProfilesResult } from '../../src-shared/ipc/migrate';
import type { Store } from './index';

/** The form as typed: every field text; which ones count depends on the profile. */
export interface ConfigDraft {
  readonly path: string;
  readonly profile: ConfigProfileName;
  readonly options: Readonly<Record<string, string>>;
  readonly otclientInit: string;
  readonly canaryConfig: string;
  readonly server: string;
  readonly clientVersion: string;
  readonly loginUrl: string;
  readonly mapping: string;
}

export const emptyConfigDraft = (): ConfigDraft => ({
  path: '',
  profile: 'tfs-canary',
  options: {},
  otclientInit: '',
  canaryConfig: '',
  server: '',
  clientVersion: '',
  loginUrl: '',
  mapping: '',
});

/** The request for config.open / config.apply: only the fields the profile uses, empty ones left out. */
export function configParamsOf(d: ConfigDraft, profile: ConfigProfileInfo | undefined): ConfigOpenParams {
  const uses = (k: string): boolean => profile?.params.includes(k) ?? false;
  const text = (k: 'otclientInit' | 'canaryConfig' | 'server' | 'loginUrl' | 'mapping'): Partial<ConfigOpenParams> => (uses(k) && d[k].trim() ? { [k]: d[k].trim() } : {});
  const options = Object.fromEntries(Object.entries(d.options).filter(([k, v]) => v.trim() !== '' && profile?.options.some((o) => o.name === k)).map(([k, v]) => [k, v.trim()]));
  const version = d.clientVersion.trim();
  return {
    path: d.path.trim(),
    profile: d.profile,
    ...(Object.keys(options).length ? { options } : {}),
    ...text('otclientInit'),
    ...text('canaryConfig'),
    ...text('server'),
    ...text('loginUrl'),
    ...text('mapping'),
    ...(uses('clientVersion') && version ? { clientVersion: Number(version) } : {}),
  };
}

export interface ConfigSlice {
  configProfiles: ConfigProfilesResult | null;
  configDraft: ConfigDraft;
  /** The preview and the parameters it was computed for (apply sends the same ones). */
  configPreview: { readonly params: ConfigOpenParams; readonly preview: ConfigPreview } | null;
  configApplied: ConfigApplied | null;
  setConfigProfiles(p: ConfigProfilesResult): void;
  reviseConfigDraft(patch: Partial<ConfigDraft>): void;
  setConfigPreview(p: ConfigSlice['configPreview']): void;
  setConfigApplied(a: ConfigApplied | null): void;
}

export const createConfigSlice: StateCreator<Store, [], [], ConfigSlice> = (set) => ({
  configProfiles: null,
  configDraft: emptyConfigDraft(),
  configPreview: null,
  configApplied: null,
  setConfigProfiles: (configProfiles) => set({ configProfiles }),
  // A new profile starts from its own options.
  reviseConfigDraft: (patch) => set((s) => ({ configDraft: { ...s.configDraft, ...patch, ...(patch.profile && patch.profile !== s.configDraft.profile && !patch.options ? { options: {} } : {}) } })),
  setConfigPreview: (configPreview) => set({ configPreview }),
  setConfigApplied: (configApplied) => set({ configApplied }),
});
