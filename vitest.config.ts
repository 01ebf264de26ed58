import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Loopback servers and child processes: keep the pool small on 2 cores.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // One PostgreSQL per run (embedded, or KEEL_TEST_DATABASE_URL); test files clone its template.
    globalSetup: ['tests/support/pg-global-setup.ts'],
  },
});
