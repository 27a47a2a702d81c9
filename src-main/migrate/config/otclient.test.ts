import { describe, expect, it } from 'vitest';
import { readLuaConfig } from './lua';
import { applyServerEntryToCanary, canaryToServerEntry, mergeMappings, NETWORK_MAPPING, parseMapping, readServerEntries, upsertServerEntry } from './otclient';

const CANARY = `-- my canary
ip = "play.example.org" -- public address
loginProtocolPort = 7171
gameProtocolPort = 7172
serverName = "Example"
`;

const INIT = `Services = {}
local ENABLE_SERVERS = true
Servers_init = {}

if ENABLE_SERVERS then
    Servers_init = {
        -- the test server
        ["test.example.org"] = {
            port = 7171,
            protocol = 1098,
            httpLogin = false, -- old client
            useAuthenticator = false
        },
    }
end
`;

describe('Canary → OTClient Servers_init', () => {
  it('uses HTTP login from client 12.81 on, with a login URL on the server address', () => {
    const { entry, notes } = canaryToServerEntry(readLuaConfig(CANARY));
    expect(entry).toEqual({ host: 'http://play.example.org/login.php', fields: { port: 80, protocol: 1511, httpLogin: true } });
    expect(notes.join()).toMatch(/login endpoint/);
    expect(canaryToServerEntry(readLuaConfig(CANARY), { loginUrl: 'https://play.example.org:8443/api/login' }).entry).toEqual({
      host: 'https://play.example.org:8443/api/login',
      fields: { port: 8443, protocol: 1511, httpLogin: true },
    });
  });

  it('uses the login protocol port before 12.81', () => {
    expect(canaryToServerEntry(readLuaConfig(CANARY), { clientVersion: 1280 }).entry).toEqual({ host: 'play.example.org', fields: { port: 7171, protocol: 1280, httpLogin: false } });
  });

  it('copies the extra pairs of a mapping of one\'s own', () => {
    const mine = parseMapping({ pairs: [{ client: 'client.name', server: 'server.name', canary: 'serverName', otclient: 'name' }] });
    const { entry } = canaryToServerEntry(readLuaConfig(CANARY), { clientVersion: 1098, mapping: mergeMappings(NETWORK_MAPPING, mine) });
    expect(entry.fields).toEqual({ port: 7171, protocol: 1098, httpLogin: false, name: 'Example' });
    expect(() => parseMapping({ pairs: [{ client: 'x' }] })).toThrow(/required/);
    expect(() => parseMapping({ pairs: [{ client: 'x', server: 'y', canary: 'not a name' }] })).toThrow(/not a Lua name/);
    expect(() => parseMapping([])).toThrow(/pairs/);
  });

  it('adds an entry to init.lua in place, leaving the rest as it was', () => {
    const { entry } = canaryToServerEntry(readLuaConfig(CANARY), { clientVersion: 1098 });
    const { output, action } = upsertServerEntry(INIT, entry);
    expect(action).toBe('added');
    expect(output.startsWith(INIT.slice(0, INIT.indexOf('        },')))).toBe(true);
    expect(output).toContain('        },\n        ["play.example.org"] = {\n            port = 7171,\n            protocol = 1098,\n            httpLogin = false\n        },\n    }\nend\n');
    expect(readServerEntries(output).map((e) => e.host)).toEqual(['test.example.org', 'play.example.org']);
  });

  it('updates only the fields that differ in an existing entry, keeping its comments and other fields', () => {
    const { output, action } = upsertServerEntry(INIT, { host: 'test.example.org', fields: { port: 7171, protocol: 1100, httpLogin: false } });
    expect(action).toBe('updated');
    expect(output).toBe(INIT.replace('protocol = 1098', 'protocol = 1100'));
    expect(upsertServerEntry(output, { host: 'test.example.org', fields: { port: 7171, protocol: 1100 } }).action).toBe('unchanged');
  });

  it('creates Servers_init when the file has none', () => {
    const { output } = upsertServerEntry('-- empty\n', { host: 'a.example', fields: { port: 7171, protocol: 860, httpLogin: false } });
    expect(readServerEntries(output)).toEqual([{ host: 'a.example', fields: { port: 7171, protocol: 860, httpLogin: false } }]);
    expect(output.startsWith('-- empty\n')).toBe(true);
  });
});

describe('OTClient → Canary', () => {
  it('sets ip and the login port from an entry, in place', () => {
    const [entry] = readServerEntries(INIT);
    const { output, changes } = applyServerEntryToCanary(CANARY, entry!);
    expect(output).toBe(CANARY.replace('"play.example.org"', '"test.example.org"'));
    expect(changes).toEqual(['ip = "test.example.org" (was "play.example.org")']);
  });

  it('takes the host name from an HTTP login URL and appends keys the file lacks', () => {
    const { output, changes } = applyServerEntryToCanary('-- bare\n', { host: 'https://login.example.org/login.php', fields: { port: 443, protocol: 1511, httpLogin: true } });
    expect(readLuaConfig(output).get('ip')?.value).toBe('login.example.org');
    expect(readLuaConfig(output).get('loginProtocolPort')).toBeUndefined();
    expect(changes).toEqual(['ip = "login.example.org" (added)']);
  });
});
