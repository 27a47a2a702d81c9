/** The MariaDB harness: a missing server is a failure that says how to install one. */
import { describe, expect, it } from 'vitest';
import { startMariaDb } from './mariadb';

describe('startMariaDb', () => {
  it('fails with the install command when mariadbd is missing', async () => {
    const saved = process.env.OTBRIDGE_MARIADBD;
    process.env.OTBRIDGE_MARIADBD = '/nonexistent/mariadbd';
    try {
      await expect(startMariaDb()).rejects.toThrow(/apt-get install -y mariadb-server/);
    } finally {
      if (saved === undefined) delete process.env.OTBRIDGE_MARIADBD;
      else process.env.OTBRIDGE_MARIADBD = saved;
    }
  });
});
