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
    env: { LOG_SILENT: '1' },
  },
});
