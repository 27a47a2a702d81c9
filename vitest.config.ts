import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src-*/**/*.test.{ts,tsx}', 'test-support/**/*.test.ts'],
    environment: 'node',
    // Integration tests open real sockets and databases; keep them from starving each other on 2 cores.
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    restoreMocks: true,
  },
});
