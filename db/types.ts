import type { RunResult } from 'better-sqlite3';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type * as schema from './schema';

/** A database handle or a transaction on it: the query modules accept either. */
export type Db = BaseSQLiteDatabase<'sync', RunResult, typeof schema>;

/**
 * For transactions that write: take the write lock at BEGIN. A deferred transaction that reads and
 * then writes, while another process sharing the file (several instances, REDIS_URL) has written
 * since its read, fails at once with SQLITE_BUSY: the busy timeout cannot help it, its snapshot is stale.
 */
export const IMMEDIATE = { behavior: 'immediate' } as const;
