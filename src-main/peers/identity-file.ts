/**
 * The reference server's long-term keys in one JSON file: the Ed25519
 * identity (clients pin its public key) and the Ed25519 key that signs
 * access tokens. Created on first start with mode 0600; its fingerprint is
 * printed at every start.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generateKeyPair, keyPairFromRaw, rawPrivateKey, type KeyPair } from '../net/keys';

export interface ServerKeys {
  readonly identity: KeyPair;
  readonly tokenKey: KeyPair;
  readonly created: boolean;
}

interface KeyFile {
  kind: 'otbridge-server-keys';
  identity: string;
  token: string;
}

export function loadOrCreateKeys(path: string): ServerKeys {
  if (existsSync(path)) {
    let f: Partial<KeyFile>;
    try {
      f = JSON.parse(readFileSync(path, 'utf8')) as Partial<KeyFile>;
    } catch (e) {
      throw new Error(`${path}: not a key file (${(e as Error).message})`);
    }
    if (f.kind !== 'otbridge-server-keys' || typeof f.identity !== 'string' || typeof f.token !== 'string') {
      throw new Error(`${path}: expected {"kind":"otbridge-server-keys","identity":…,"token":…}`);
    }
    const id = Buffer.from(f.identity, 'base64url');
    const tk = Buffer.from(f.token, 'base64url');
    if (id.length !== 32 || tk.length !== 32) throw new Error(`${path}: keys must be 32 bytes each (base64url)`);
    return { identity: keyPairFromRaw('ed25519', id), tokenKey: keyPairFromRaw('ed25519', tk), created: false };
  }
  const identity = generateKeyPair('ed25519');
  const tokenKey = generateKeyPair('ed25519');
  const file: KeyFile = {
    kind: 'otbridge-server-keys',
    identity: Buffer.from(rawPrivateKey(identity.privateKey)).toString('base64url'),
    token: Buffer.from(rawPrivateKey(tokenKey.privateKey)).toString('base64url'),
  };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  return { identity, tokenKey, created: true };
}
