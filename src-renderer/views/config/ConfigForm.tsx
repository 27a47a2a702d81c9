/** Which config file, which profile, and the fields that profile uses. */
import { useEffect, useState } from 'react';
import type { ConfigProfileInfo } from '../../../src-shared/ipc/migrate';
import { useStore } from '../../store';
import { PathForm } from '../../components/PathForm';
import { useClient } from '../../client/context';
import type { ConfigDraft } from '../../store/config-slice';

/** Labels for the profile-specific fields (ConfigOpenParams). */
const FIELDS: Record<string, { label: string; placeholder: string; key: keyof ConfigDraft }> = {
  otclientInit: { label: "OTClient's init.lua to put the entry into (empty: only show it)", placeholder: '/opt/otclient/init.lua', key: 'otclientInit' },
  canaryConfig: { label: "Canary's config.lua to update", placeholder: '/srv/canary/config.lua', key: 'canaryConfig' },
  server: { label: 'Servers_init entry (default: the first)', placeholder: 'My Server', key: 'server' },
  clientVersion: { label: 'Client version (default 1511)', placeholder: '1511', key: 'clientVersion' },
  loginUrl: { label: 'HTTP login URL (default http://<ip>/login.php)', placeholder: 'http://game.example.org/login.php', key: 'loginUrl' },
  mapping: { label: 'Extra key mapping, a JSON file', placeholder: '/path/to/mapping.json', key: 'mapping' },
};

export function ConfigForm() {
  const client = useClient();
  const profiles = useStore((s) => s.configProfiles);
  const draft = useStore((s) => s.configDraft);
  const [problem, setProblem] = useState<string | null>(null);
  const revise = client.store.getState().reviseConfigDraft;
  const profile: ConfigProfileInfo | undefined = profiles?.profiles.find((p) => p.name === draft.profile);

  useEffect(() => {
    if (client.store.getState().configProfiles) return;
    client.config.loadProfiles().catch((e: Error) => setProblem(`the config services cannot be reached: ${e.message}`));
  }, [client]);

  return (
    <PathForm
      className="config-form"
      value={draft.path}
      onChange={(path) => revise({ path })}
      onSubmit={() => client.config.open()}
      browse={{ kind: 'config', mode: 'open' }}
      label="config file"
      placeholder={profile ? `${profile.input}, e.g. /srv/tfs/config.lua` : '/srv/tfs/config.lua'}
      submitLabel="Open"
      busyLabel="Opening…"
      primary
      disabled={!profiles}
      problem={problem}
      testIds={{ input: 'config-path', submit: 'config-open', error: 'config-open-error' }}
      leading={
        <select data-testid="config-profile" aria-label="profile" value={draft.profile} onChange={(e) => revise({ profile: e.target.value as ConfigDraft['profile'] })}>
          {(profiles?.profiles ?? []).map((p) => (
            <option key={p.name} value={p.name}>
              {p.name}
            </option>
          ))}
        </select>
      }
    >
      {profile && <p className="muted">{profile.description}. Nothing is written until you apply it; the original is kept as a backup.</p>}
      {profile && (profile.params.some((k) => FIELDS[k]) || profile.options.length > 0) && (
        <div className="fault-form">
          {profile.params
            .filter((k) => FIELDS[k])
            .map((k) => {
              const f = FIELDS[k]!;
              return (
                <label key={k} className="field wide">
                  <span>{f.label}</span>
                  <input data-testid={`config-${k}`} placeholder={f.placeholder} value={draft[f.key] as string} onChange={(e) => revise({ [f.key]: e.target.value })} spellCheck={false} />
                </label>
              );
            })}
          {profile.options.map((o) => (
            <label key={o.name} className="field" title={o.description}>
              <span>
                {o.name} <span className="muted">({o.description})</span>
              </span>
              <input data-testid={`config-option-${o.name}`} placeholder={o.default} value={draft.options[o.name] ?? ''} onChange={(e) => revise({ options: { ...draft.options, [o.name]: e.target.value } })} />
            </label>
          ))}
        </div>
      )}
    </PathForm>
  );
}
