/**
 * A private MariaDB server for one test file: its own data directory in a
 * temp folder, its own socket, TCP on 127.0.0.1 at a free port, no grant
 * tables (connect as root, no password). About 15 s from nothing on these
 * machines, so start one per file in beforeAll and share it.
 *
 * When mariadbd is not installed this FAILS with the command that installs
 * it: CI installs mariadb-server, and a database test that silently skips
 * proves nothing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mysql from 'mysql2/promise';

export interface MariaDb {
  readonly port: number;
  readonly socket: string;
  readonly dataDir: string;
  /** mysql://root@127.0.0.1:PORT/DB */
  url(database: string): string;
  /** Runs SQL as root (database optional). */
  query<T = unknown>(sql: string, params?: unknown[], database?: string): Promise<T>;
  createDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

const CANDIDATES = {
  server: ['/usr/sbin/mariadbd', '/usr/bin/mariadbd', '/usr/local/bin/mariadbd', '/usr/sbin/mysqld'],
  install: ['/usr/bin/mariadb-install-db', '/usr/local/bin/mariadb-install-db', '/usr/bin/mysql_install_db'],
};

/** `override` (from the environment) wins when set: OTBRIDGE_MARIADBD, OTBRIDGE_MARIADB_INSTALL_DB. */
function find(names: readonly string[], command: string, override?: string): string {
  if (override) {
    if (existsSync(override)) return override;
    throw new Error(`${command} not found at ${override} (set by the environment). The database tests need a MariaDB server: install it with \`sudo apt-get install -y mariadb-server\` (Debian/Ubuntu).`);
  }
  for (const n of names) if (existsSync(n)) return n;
  const which = spawnSync('which', [command], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  throw new Error(
    `${command} not found: the database tests need a MariaDB server. Install it with \`sudo apt-get install -y mariadb-server\` (Debian/Ubuntu) or your system's mariadb-server package; .ci/run does this on CI.`,
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startMariaDb(opts: { readyTimeoutMs?: number } = {}): Promise<MariaDb> {
  const server = find(CANDIDATES.server, 'mariadbd', process.env.OTBRIDGE_MARIADBD);
  const install = find(CANDIDATES.install, 'mariadb-install-db', process.env.OTBRIDGE_MARIADB_INSTALL_DB);
  const dataDir = mkdtempSync(join(tmpdir(), 'otbridge-mariadb-'));
  const socket = join(dataDir, 'mysqld.sock');
  const log = join(dataDir, 'error.log');
  const user = process.getuid?.() === 0 ? ['--user=root'] : [];

  const init = spawnSync(install, ['--no-defaults', `--datadir=${join(dataDir, 'data')}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...user], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (init.status !== 0) {
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`mariadb-install-db failed (${init.status ?? init.signal}):\n${init.stderr || init.stdout}`);
  }

  const port = await freePort();
  const child: ChildProcess = spawn(
    server,
    [
      '--no-defaults',
      `--datadir=${join(dataDir, 'data')}`,
      `--socket=${socket}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--pid-file=${join(dataDir, 'mysqld.pid')}`,
      `--log-error=${log}`,
      '--skip-grant-tables',
      '--skip-name-resolve',
      '--skip-log-bin',
      '--innodb-buffer-pool-size=128M',
      '--innodb-flush-log-at-trx-commit=2',
      '--innodb-doublewrite=0',
      '--max-allowed-packet=64M',
      ...user,
    ],
    { stdio: 'ignore' },
  );
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exited with ${code ?? signal}`));
  // Never leave a server behind, even when the test process dies on an error.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const pool = mysql.createPool({ host: '127.0.0.1', port, user: 'root', connectionLimit: 2, multipleStatements: true, supportBigNumbers: true, charset: 'utf8mb4' });
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  for (;;) {
    try {
      await pool.query('SELECT 1');
      break;
    } catch (e) {
      if (exited || Date.now() > deadline) {
        child.kill('SIGKILL');
        await pool.end().catch(() => {});
        const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '';
        rmSync(dataDir, { recursive: true, force: true });
        throw new Error(`MariaDB did not start (${exited ?? `not ready after ${opts.readyTimeoutMs ?? 60_000} ms: ${(e as Error).message}`}):\n${tail}`);
      }
      await sleep(150);
    }
  }

  const db: MariaDb = {
    port,
    socket,
    dataDir,
    url: (database) => `mysql://root@127.0.0.1:${port}/${database}`,
    async query<T>(sql: string, params: unknown[] = [], database?: string): Promise<T> {
      const conn = await pool.getConnection();
      try {
        if (database) await conn.query(`USE \`${database}\``);
        const [rows] = await conn.query(sql, params);
        return rows as T;
      } finally {
        conn.release();
      }
    },
    async createDatabase(name) {
      await pool.query(`DROP DATABASE IF EXISTS \`${name}\`; CREATE DATABASE \`${name}\` CHARACTER SET utf8mb3`);
    },
    async stop() {
      await pool.end().catch(() => {});
      if (!exited) {
        child.kill('SIGTERM');
        const deadline = Date.now() + 15_000;
        while (!exited && Date.now() < deadline) await sleep(50);
        if (!exited) child.kill('SIGKILL');
      }
      process.off('exit', killOnExit);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return db;
}
