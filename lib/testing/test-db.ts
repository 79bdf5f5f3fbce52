import { openDatabase, type DB } from '@/db/client';
import { conversations } from '@/db/schema';

/** A fresh, migrated in-memory database; each call is independent of every other. */
export function openTestDb(): DB {
  return openDatabase(':memory:');
}

/** Inserts a bare conversation row (no messages), for tests that only need the sidebar list. */
export function insertConversation(
  db: DB,
  row: { id: string; title?: string; createdAt?: number; updatedAt: number; currentLeafId?: string | null },
): void {
  db.insert(conversations)
    .values({
      id: row.id,
      title: row.title ?? `Chat ${row.id}`,
      createdAt: row.createdAt ?? row.updatedAt,
      updatedAt: row.updatedAt,
      currentLeafId: row.currentLeafId ?? null,
    })
    .run();
}
