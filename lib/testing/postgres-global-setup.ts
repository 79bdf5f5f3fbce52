import { databaseUrl, runOnServer } from './postgres-server';

/** The migrated database every PostgreSQL test database is copied from. */
export const POSTGRES_TEMPLATE = 'chat_test_template';

/**
 * vitest globalSetup of the `postgres` project: builds the migrated template database the tests'
 * databases are copied from (lib/testing/test-db.ts). The server itself is started by
 * scripts/postgres.sh, which exports TEST_POSTGRES_URL.
 */
export default async function setup(): Promise<void> {
  const url = process.env.TEST_POSTGRES_URL!;
  await runOnServer(url, `DROP DATABASE IF EXISTS ${POSTGRES_TEMPLATE} WITH (FORCE)`, `CREATE DATABASE ${POSTGRES_TEMPLATE}`);
  // Imported here, not at the top: the schema module picks its tables from DATABASE_URL when loaded.
  process.env.DATABASE_URL = url;
  const { openDatabase } = await import('@/db/client');
  const db = await openDatabase(databaseUrl(url, POSTGRES_TEMPLATE), { poolSize: 1 });
  await db.close();
}
