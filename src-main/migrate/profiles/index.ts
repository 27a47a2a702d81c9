/**
 * Built-in data migration profiles, and loading a profile of one's own from
 * a JSON file (same format: see docs/migrations.md).
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseProfile, ProfileError, type Profile } from '../data/profile';
import tfsCanary from './tfs-canary.json';

export const BUILTIN_PROFILES: Readonly<Record<string, unknown>> = { 'tfs-canary': tfsCanary };

/** A built-in profile by name, or a profile file by path. */
export function loadProfile(nameOrPath: string): Profile {
  const builtin = BUILTIN_PROFILES[nameOrPath];
  if (builtin) return parseProfile(builtin);
  if (!existsSync(nameOrPath)) throw new ProfileError([`no built-in profile "${nameOrPath}" (built in: ${Object.keys(BUILTIN_PROFILES).join(', ')}) and no such file`]);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(nameOrPath, 'utf8'));
  } catch (e) {
    throw new ProfileError([`${nameOrPath}: not valid JSON (${(e as Error).message})`]);
  }
  return parseProfile(json);
}
