import { beforeEach, describe, expect, it } from 'vitest';
import { createConsoleStore, type ConsoleStore } from './index';
import { configParamsOf, emptyConfigDraft } from './config-slice';
import type { ConfigProfileInfo } from '../../src-shared/ipc/migrate';
import { auditPage } from '../test-support/admin-fixtures';

let store: ConsoleStore;
beforeEach(() => {
  store = createConsoleStore();
});
const s = () => store.getState();

const tfs: ConfigProfileInfo = { name: 'tfs-canary', description: '', input: 'config.lua', writes: 'input', params: ['options'], options: [{ name: 'maxOnlineWhenMulti', description: '', default: '4' }] };
const toClient: ConfigProfileInfo = { name: 'canary-otclient', description: '', input: 'config.lua', writes: 'otclientInit', params: ['otclientInit', 'clientVersion', 'loginUrl', 'mapping'], options: [] };

describe('config slice', () => {
  it('sends only the fields the profile uses, trimmed, empty ones left out', () => {
    const d = { ...emptyConfigDraft(), path: ' /srv/config.lua ', canaryConfig: '/x', otclientInit: '/o/init.lua', clientVersion: '1311', loginUrl: '', options: { maxOnlineWhenMulti: '2', nope: '1', blank: '' } };
    expect(configParamsOf(d, tfs)).toEqual({ path: '/srv/config.lua', profile: 'tfs-canary', options: { maxOnlineWhenMulti: '2' } });
    expect(configParamsOf({ ...d, profile: 'canary-otclient' }, toClient)).toEqual({ path: '/srv/config.lua', profile: 'canary-otclient', otclientInit: '/o/init.lua', clientVersion: 1311 });
    // Profiles not loaded yet: just the file and the profile.
    expect(configParamsOf(d, undefined)).toEqual({ path: '/srv/config.lua', profile: 'tfs-canary' });
  });

  it('a new profile starts from its own options', () => {
    s().reviseConfigDraft({ options: { maxOnlineWhenMulti: '2' }, path: '/a' });
    s().reviseConfigDraft({ profile: 'canary-otclient' });
    expect(s().configDraft).toMatchObject({ profile: 'canary-otclient', options: {}, path: '/a' });
  });
});

describe('audit slice', () => {
  it('growth marks the page stale and drops a verification of the shorter log; a new page is fresh', () => {
    s().setAuditPage(auditPage(3));
    s().setAuditVerification({ path: '/a', ok: true, entries: 3, head: 'h3', firstBroken: null, headMatches: null });
    s().auditAppended(4);
    expect(s()).toMatchObject({ auditLines: 4, auditStale: true, auditVerification: null });
    s().setAuditPage(auditPage(4));
    expect(s().auditStale).toBe(false);
    // The same count pushed again (another poll) is not news.
    s().auditAppended(4);
    expect(s().auditStale).toBe(false);
  });
});
