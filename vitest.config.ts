import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      '@/': `${import.meta.dirname}/`,
      'server-only': `${import.meta.dirname}/tests/support/server-only-stub.ts`,
    },
  },
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Database suites share one PGlite/PostgreSQL per file; files run in parallel on 2 cores.
    maxWorkers: 2,
    // Fixed test secrets: with DATABASE_URL set the app insists on them rather than generating files.
    env: {
      LOG_SILENT: '1',
      AUTH_SECRET: 'test-auth-secret-0123456789abcdef0123456789abcdef',
      CREDENTIALS_KEY: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
      APP_URL: 'http://portal.test',
    },
  },
});
