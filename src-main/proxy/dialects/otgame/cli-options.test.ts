import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { OTGAME_CLI_OPTIONS, otgameSettingsFromCli } from './cli-options';

describe('otgame proxy options', () => {
  it('parse with node:util and become dialect and HTTP login settings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otkey-'));
    const key = join(dir, 'key.pem');
    writeFileSync(key, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }));
    const { values } = parseArgs({
      args: ['--ot-key', key, '--ot-version', '1412', '--ot-public-game', '127.0.0.1:17172', '--ot-http-login', '127.0.0.1:18080', '--ot-http-upstream', 'http://127.0.0.1/login.php'],
      options: OTGAME_CLI_OPTIONS,
    });
    const s = await otgameSettingsFromCli(values);
    expect(s.dialect.protocolVersion).toBe(1412);
    expect(s.dialect.rewriteWorldsTo).toEqual({ host: '127.0.0.1', port: 17172 });
    expect(typeof s.dialect.serverKey).toBe('object');
    expect(s.httpLogin).toEqual({ listen: { host: '127.0.0.1', port: 18080 }, upstream: 'http://127.0.0.1/login.php', rewriteWorldsTo: { host: '127.0.0.1', port: 17172 } });
    expect(await otgameSettingsFromCli({})).toEqual({ dialect: {} });
    expect(await otgameSettingsFromCli({ 'ot-opaque': true })).toEqual({ dialect: { decryptInPassthrough: false } });
  });

  it('names the option that is wrong', async () => {
    await expect(otgameSettingsFromCli({ 'ot-version': '14.12' })).rejects.toThrow(/--ot-version/);
    await expect(otgameSettingsFromCli({ 'ot-public-game': 'nowhere' })).rejects.toThrow(/--ot-public-game expects host:port/);
    await expect(otgameSettingsFromCli({ 'ot-http-login': '127.0.0.1:1' })).rejects.toThrow(/go together/);
    await expect(otgameSettingsFromCli({ 'ot-http-login': '127.0.0.1:1', 'ot-http-upstream': 'ftp://x' })).rejects.toThrow(/http\(s\) URL/);
    const dir = mkdtempSync(join(tmpdir(), 'otkey-'));
    writeFileSync(join(dir, 'bad.pem'), 'not a key');
    await expect(otgameSettingsFromCli({ 'ot-key': join(dir, 'bad.pem') })).rejects.toThrow(/not an RSA private key/);
  });
});
