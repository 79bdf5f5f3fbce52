import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const resolve = {
  alias: {
    '@': fileURLToPath(new URL('.', import.meta.url)),
    // 'server-only' throws outside a React Server Components bundle; tests run server code directly.
    'server-only': fileURLToPath(new URL('./lib/testing/server-only-stub.ts', import.meta.url)),
  },
};

/**
 * Two projects: everything on SQLite, and the store-facing suites (db/ and lib/) again on
 * PostgreSQL when scripts/postgres.sh has started one (TEST_POSTGRES_URL; scripts/test.sh does).
 */
const postgresUrl = process.env.TEST_POSTGRES_URL;

export default defineConfig({
  resolve,
  test: {
    testTimeout: 20_000,
    projects: [
      {
        resolve,
        test: {
          name: 'sqlite',
          include: ['lib/**/*.test.ts', 'db/**/*.test.ts', 'app/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
          env: { DATABASE_URL: '' },
        },
      },
      ...(postgresUrl
        ? [
            {
              resolve,
              test: {
                name: 'postgres',
                include: ['lib/**/*.test.ts', 'db/**/*.test.ts'],
                environment: 'node',
                testTimeout: 20_000,
                env: { DATABASE_URL: postgresUrl, TEST_POSTGRES_URL: postgresUrl },
                globalSetup: ['lib/testing/postgres-global-setup.ts'],
              },
            },
          ]
        : []),
    ],
  },
});
