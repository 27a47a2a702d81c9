/**
 * Accounts of the reference server. Passwords are only ever kept as scrypt
 * hashes; an accounts file holds `passwordHash` values made by
 * `otbridge server hash-password`.
 */
import { readFileSync } from 'node:fs';
import { SCOPES } from '../../../src-shared/protocol';
import { DEFAULT_SCRYPT, hashPassword, isPasswordHash, verifyPassword, type ScryptParams } from './passwords';

export type Scope = (typeof SCOPES)[number];

export interface Account {
  readonly id: string;
  readonly name: string;
  readonly passwordHash: string;
  readonly scope: readonly Scope[];
  readonly playerId: string;
  /** Demo accounts exist only while the server listens on loopback. */
  readonly demo?: boolean;
}

export interface AccountFile {
  accounts: { name: string; passwordHash: string; scope?: Scope[]; id?: string; playerId?: string }[];
}

export class AccountStore {
  private readonly byName = new Map<string, Account>();
  private dummyHash: Promise<string> | null = null;

  constructor(private readonly scryptParams: ScryptParams = DEFAULT_SCRYPT) {}

  get size(): number {
    return this.byName.size;
  }

  list(): Account[] {
    return [...this.byName.values()];
  }

  get(name: string): Account | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /** Adds an account from a plain password (hashed here, never stored). */
  async addWithPassword(name: string, password: string, scope: readonly Scope[], extra: { id?: string; playerId?: string; demo?: boolean } = {}): Promise<Account> {
    return this.add({ name, passwordHash: await hashPassword(password, this.scryptParams), scope, ...extra });
  }

  add(a: { name: string; passwordHash: string; scope: readonly Scope[]; id?: string; playerId?: string; demo?: boolean }): Account {
    if (!/^[\w.@+-]{1,64}$/.test(a.name)) throw new Error(`account name "${a.name}" must be 1-64 letters, digits or . _ @ + -`);
    if (!isPasswordHash(a.passwordHash)) throw new Error(`account "${a.name}": passwordHash is not an scrypt hash (make one with \`otbridge server hash-password\`)`);
    for (const s of a.scope) if (!SCOPES.includes(s)) throw new Error(`account "${a.name}": unknown scope "${s}" (known: ${SCOPES.join(', ')})`);
    const key = a.name.toLowerCase();
    if (this.byName.has(key)) throw new Error(`account "${a.name}" is defined twice`);
    const n = this.byName.size + 1;
    const account: Account = {
      id: a.id ?? `acc-${n}`,
      name: a.name,
      passwordHash: a.passwordHash,
      scope: [...a.scope],
      playerId: a.playerId ?? `p-${n}`,
      ...(a.demo ? { demo: true } : {}),
    };
    this.byName.set(key, account);
    return account;
  }

  /** Loads `{"accounts": [{name, passwordHash, scope?}]}`; errors name the file and the entry. */
  loadFile(path: string): number {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new Error(`${path}: not readable JSON (${(e as Error).message})`);
    }
    const list = (parsed as Partial<AccountFile>)?.accounts;
    if (!Array.isArray(list)) throw new Error(`${path}: expected {"accounts": [...]}`);
    list.forEach((entry, i) => {
      if (typeof entry !== 'object' || entry === null) throw new Error(`${path}: accounts[${i}] is not an object`);
      if ('password' in entry) throw new Error(`${path}: accounts[${i}] has a plain "password"; store "passwordHash" instead`);
      try {
        this.add({ ...entry, scope: entry.scope ?? ['player'] });
      } catch (e) {
        throw new Error(`${path}: accounts[${i}]: ${(e as Error).message}`);
      }
    });
    return list.length;
  }

  /** The account when the password matches; the same work is done for unknown names (no timing oracle). */
  async verify(name: string, password: string): Promise<Account | null> {
    const account = this.get(name);
    if (!account) {
      this.dummyHash ??= hashPassword('otbridge-dummy', this.scryptParams);
      await verifyPassword(password, await this.dummyHash);
      return null;
    }
    return (await verifyPassword(password, account.passwordHash)) ? account : null;
  }
}
