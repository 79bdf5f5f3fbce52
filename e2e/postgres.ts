import { databaseUrl, runOnServer } from '../lib/testing/postgres-server';
import { randomUUID } from 'node:crypto';

/**
 * A new, empty database on the test PostgreSQL server (TEST_POSTGRES_URL, started by
 * scripts/postgres.sh for the whole run, which throws it away at the end); returns its URL. The app
 * migrates it when it starts.
 */
export async function createPostgresDatabase(prefix: string): Promise<string> {
  const server = process.env.TEST_POSTGRES_URL;
  if (!server) throw new Error('TEST_POSTGRES_URL is not set: run through scripts/test.sh, which starts PostgreSQL');
  const name = `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  await runOnServer(server, `CREATE DATABASE ${name}`);
  return databaseUrl(server, name);
}
