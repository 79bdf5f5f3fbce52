import pg from 'pg';

/** The migrated database every PostgreSQL test database is copied from. */
export const POSTGRES_TEMPLATE = 'chat_test_template';

/**
 * vitest globalSetup of the `postgres` project: builds the migrated template database the tests'
 * databases are copied from (lib/testing/test-db.ts). The server itself is started by
 * scripts/postgres.sh, which exports TEST_POSTGRES_URL.
 */
export default async function setup(): Promise<void> {
  const url = process.env.TEST_POSTGRES_URL!;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${POSTGRES_TEMPLATE} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${POSTGRES_TEMPLATE}`);
  } finally {
    await client.end();
  }
  const target = new URL(url);
  target.pathname = `/${POSTGRES_TEMPLATE}`;
  // Imported here, not at the top: the schema module picks its tables from DATABASE_URL when loaded.
  process.env.DATABASE_URL = url;
  const { openDatabase } = await import('@/db/client');
  const db = await openDatabase(target.toString(), { poolSize: 1 });
  await db.close();
}
