import 'server-only';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as schema from './schema';
import { markStreamingAsInterrupted } from './messages';
import { deleteUnreferencedFiles } from './files';
import { cachePreparedStatements } from './statement-cache';

export type DB = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const MIGRATIONS_FOLDER = join(process.cwd(), 'db', 'migrations');

export type OpenOptions = {
  /**
   * Other app instances share this database and write replies too (REDIS_URL): a reply stored as
   * streaming may be theirs and alive, so it is left to the live-reply sweeper (lib/chat/redis-live.ts),
   * which knows, instead of being marked interrupted at start.
   */
  shared?: boolean;
};

/** Opens (creating the folder and file if needed) and migrates a SQLite database. */
export function openDatabase(path: string, { shared = false }: OpenOptions = {}): DB {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  // WAL lets readers (sidebar, page loads) proceed while a reply is being written, and survives
  // a crash without a torn database; the busy timeout absorbs brief writer contention.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  cachePreparedStatements(sqlite);
  const db = drizzle({ client: sqlite, schema });
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  // A reply that was streaming when the previous process died will never finish: say so instead
  // of showing it as in progress forever.
  if (!shared) markStreamingAsInterrupted(db, Date.now());
  // Files uploaded a day ago and never sent (a chip removed, a tab closed) are let go.
  deleteUnreferencedFiles(db, { uploadedBefore: Date.now() - 24 * 3600_000 });
  return db;
}

const holder = globalThis as unknown as { __chatDb?: { path: string; db: DB } };

/** The process-wide database (kept on globalThis so dev-mode module reloads reuse one connection). */
export function getDb(path: string, options: OpenOptions = {}): DB {
  if (holder.__chatDb?.path !== path) holder.__chatDb = { path, db: openDatabase(path, options) };
  return holder.__chatDb.db;
}
