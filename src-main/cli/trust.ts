/**
 * Which server identity a client trusts: one given on the command line
 * (`--trust <base64url key>`), or remembered per address in a
 * known-identities file the first time (`--trust-on-first-use`), as ssh
 * does with known_hosts — after that, a different key is refused.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { homedir } from 'node:os';
import { fromBase64 } from '../../src-shared/protocol';
import type { IdentityPolicy } from '../net/handshake';
import { UsageError } from './command';

/** Where otbridge keeps its files (keys, known identities, audit log, migration runs): $OTBRIDGE_HOME or ~/.otbridge. */
export function configDir(): string {
  return process.env.OTBRIDGE_HOME || join(homedir(), '.otbridge');
}

export const knownIdentitiesPath = (): string => join(configDir(), 'known_identities.json');

export function parseIdentityKey(text: string): Uint8Array {
  let key: Uint8Array;
  try {
    key = fromBase64(text.trim());
  } catch {
    throw new UsageError(`--trust expects the server's identity key in base64url (as the server prints it), got "${text}"`);
  }
  if (key.length !== 32) throw new UsageError(`--trust: an Ed25519 identity key is 32 bytes, this one is ${key.length}`);
  return key;
}

function readKnown(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
  } catch (e) {
    throw new Error(`${path}: unreadable (${(e as Error).message}); fix or delete it`);
  }
}

/** The identity policy for `host:port`, from --trust, or the known-identities file. */
export function identityPolicy(address: string, opts: { trust?: string; trustOnFirstUse?: boolean; file?: string }): IdentityPolicy {
  if (opts.trust) return { pinned: parseIdentityKey(opts.trust) };
  const file = opts.file ?? knownIdentitiesPath();
  const known = readKnown(file)[address];
  if (known) return { pinned: parseIdentityKey(known) };
  if (opts.trustOnFirstUse) return { trustOnFirstUse: true };
  throw new UsageError(
    `no trusted identity for ${address}: pass --trust <key> (the server prints it at start), ` +
      `or --trust-on-first-use to accept and remember the one it presents (in ${file})`,
  );
}

export function rememberIdentity(address: string, key: Uint8Array, file = knownIdentitiesPath()): void {
  const known = readKnown(file);
  known[address] = Buffer.from(key).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(known, null, 2)}\n`, { mode: 0o600 });
}
