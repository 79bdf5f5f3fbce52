import { randomUUID } from 'node:crypto';
import { afterEach } from 'vitest';
import { openDatabase, type DB } from '@/db/client';
import { databaseDialect } from '@/db/dialect';
import { conversations } from '@/db/schema';
import { POSTGRES_TEMPLATE } from './postgres-global-setup';
import { databaseUrl, runOnServer } from './postgres-server';

/**
 * The engine the suite runs against: SQLite in memory, or PostgreSQL when DATABASE_URL is a
 * postgres:// URL (the `postgres` vitest project, see vitest.config.ts).
 */
export const testDialect = databaseDialect(process.env.DATABASE_URL);


const opened: { db: DB; name?: string }[] = [];

/**
 * A fresh, migrated, empty database; each call is independent of every other. On PostgreSQL, a
 * new database copied from the migrated template (fast: a file copy), dropped after the test.
 */
export async function openTestDb(): Promise<DB> {
  if (testDialect === 'sqlite') return openDatabase(':memory:');
  const name = `t_${randomUUID().replaceAll('-', '')}`;
  await admin(`CREATE DATABASE ${name} TEMPLATE ${POSTGRES_TEMPLATE}`);
  const db = await openDatabase(databaseUrl(process.env.DATABASE_URL!, name), { poolSize: 4 });
  opened.push({ db, name });
  return db;
}

afterEach(async () => {
  for (const { db, name } of opened.splice(0)) {
    await db.close();
    if (name) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
});

/** One statement on the server's maintenance database. */
function admin(statement: string): Promise<void> {
  return runOnServer(process.env.DATABASE_URL!, statement);
}

/** Inserts a bare conversation row (no messages), for tests that only need the sidebar list. */
export async function insertConversation(
  db: DB,
  row: { id: string; title?: string; createdAt?: number; updatedAt: number; currentLeafId?: string | null },
): Promise<void> {
  await db.insert(conversations).values({
    id: row.id,
    title: row.title ?? `Chat ${row.id}`,
    createdAt: row.createdAt ?? row.updatedAt,
    updatedAt: row.updatedAt,
    currentLeafId: row.currentLeafId ?? null,
  });
}
