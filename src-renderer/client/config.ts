/** The Config view's requests: profiles, the preview of a migration, apply with a backup. */
import type { Bridge } from '../../src-shared/ipc/contract';
import type { ConfigApplied, ConfigValidation } from '../../src-shared/ipc/migrate';
import type { ConsoleStore } from '../store';
import { configParamsOf } from '../store/config-slice';

export class ConfigController {
  constructor(
    private readonly bridge: Bridge,
    private readonly store: ConsoleStore,
  ) {}

  async loadProfiles(): Promise<void> {
    this.store.getState().setConfigProfiles(await this.bridge.invoke('config.profiles', undefined));
  }

  /** Computes what the migration would write; nothing is written. */
  async open(): Promise<void> {
    const s = this.store.getState();
    const profile = s.configProfiles?.profiles.find((p) => p.name === s.configDraft.profile);
    const params = configParamsOf(s.configDraft, profile);
    const preview = await this.bridge.invoke('config.open', params);
    this.store.getState().setConfigPreview({ params, preview });
    this.store.getState().setConfigApplied(null);
  }

  /**
   * Writes what the preview shows — the same parameters, and its digest so a
   * file changed since is refused — then shows the result of opening it again.
   */
  async apply(force: boolean): Promise<ConfigApplied> {
    const shown = this.store.getState().configPreview;
    if (!shown) throw new Error('open a config file first');
    const applied = await this.bridge.invoke('config.apply', {
      ...shown.params,
      ...(force ? { force: true } : {}),
      ...(shown.preview.digest ? { expectDigest: shown.preview.digest } : {}),
    });
    const after = await this.bridge.invoke('config.open', shown.params).catch(() => null);
    const s = this.store.getState();
    if (after) s.setConfigPreview({ params: shown.params, preview: after });
    s.setConfigApplied(applied);
    return applied;
  }

  /** Checks any file against a server's settings (nothing is migrated or written). */
  validate(path: string, schema: 'canary' | 'tfs'): Promise<ConfigValidation> {
    return this.bridge.invoke('config.validate', { path: path.trim(), schema });
  }
}
