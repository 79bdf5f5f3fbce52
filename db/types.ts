import type { RunResult } from 'better-sqlite3';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type * as schema from './schema';

/** A database handle or a transaction on it: the query modules accept either. */
export type Db = BaseSQLiteDatabase<'sync', RunResult, typeof schema>;
