import 'server-only';
import Database from 'better-sqlite3';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import * as sqliteSchema from './schema-sqlite';
import * as pgSchema from './schema-pg';
import { databaseDialect } from './dialect';
import { markStreamingAsInterrupted } from './messages';
import { deleteUnreferencedFiles } from './files';
import { cachePreparedStatements } from './statement-cache';
import type { Db } from './types';

/** An open database: query it through `Db`; `close()` lets go of the file or the connections. */
export type DB = Db & { close(): Promise<void> };

export type OpenOptions = {
  /**
   * Other app instances share this database and write replies too (REDIS_URL): a reply stored as
   * streaming may be theirs and alive, so it is left to the live-reply sweeper (lib/chat/redis-live.ts),
   * which knows, instead of being marked interrupted at start.
   */
  shared?: boolean;
  /** Connections in the PostgreSQL pool (default 10). */
  poolSize?: number;
};

/**
 * Opens and migrates the database `target` names: a SQLite file path (created with its folder if
 * needed) or ':memory:', or a postgres:// URL.
 */
export async function openDatabase(target: string, options: OpenOptions = {}): Promise<DB> {
  const db = databaseDialect(target) === 'postgres' ? await openPostgres(target, options) : openSqlite(target);
  // A reply that was streaming when the previous process died will never finish: say so instead
  // of showing it as in progress forever.
  if (!options.shared) await markStreamingAsInterrupted(db, Date.now());
  // Files uploaded a day ago and never sent (a chip removed, a tab closed) are let go; housekeeping,
  // so a failure (another instance sweeping at the same moment) does not stop the start.
  await deleteUnreferencedFiles(db, { uploadedBefore: Date.now() - 24 * 3600_000 }).catch((error: Error) =>
    console.warn(`[db] could not sweep unused files: ${error.message}`),
  );
  return db;
}

function openSqlite(path: string): DB {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  // WAL lets readers (sidebar, page loads) proceed while a reply is being written, and survives
  // a crash without a torn database; the busy timeout absorbs brief writer contention.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  cachePreparedStatements(sqlite);
  const db = drizzleSqlite({ client: sqlite, schema: sqliteSchema });
  migrateSqlite(db, { migrationsFolder: join(process.cwd(), 'db', 'migrations') });
  return Object.assign(db as unknown as Db, {
    close: async () => {
      if (sqlite.open) sqlite.close();
    },
  });
}

// bigint (int8) and numeric come back as strings from node-postgres, to be exact beyond 2^53. The
// values here are counts, sums of token counts and millisecond times: numbers, far below 2^53. Set
// on the driver's shared registry because drizzle passes that registry with every query, over a
// pool's own `types`.
pg.types.setTypeParser(pg.types.builtins.INT8, Number);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, Number);

async function openPostgres(url: string, { poolSize = 10 }: OpenOptions): Promise<DB> {
  // A server that does not answer, or a pool with every connection busy, fails a request after 10 s
  // instead of leaving it waiting.
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 10_000 });
  // An idle connection the server closes (a restart, an administrator) is an 'error' on the pool:
  // without a listener it would be an uncaught exception that takes the process down. The pool
  // drops that connection and opens another on the next query.
  pool.on('error', (error) => console.warn(`[db] PostgreSQL connection lost: ${error.message}`));
  try {
    const db = drizzlePg({ client: pool, schema: pgSchema });
    // Several instances may start at once: the migrator takes no lock of its own, so one is taken here.
    const client = await pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock(7311205)');
      await migratePg(drizzlePg({ client }), { migrationsFolder: join(process.cwd(), 'db', 'migrations-pg') });
    } finally {
      await client.query('SELECT pg_advisory_unlock(7311205)').catch(() => {});
      client.release();
    }
    return Object.assign(db as unknown as Db, { close: () => endPool(pool) });
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
}

/** Ends the pool and resolves once its connections are really closed (pool.end() returns before). */
async function endPool(pool: pg.Pool): Promise<void> {
  const open = pool.totalCount;
  let closed = 0;
  const gone = new Promise<void>((resolve) => {
    if (open === 0) resolve();
    pool.on('remove', () => {
      if (++closed >= open) resolve();
    });
  });
  // A connection checked out and never given back would keep this waiting: not more than 5 s.
  await Promise.race([pool.end().then(() => gone), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
}

const holder = globalThis as unknown as { __chatDb?: { target: string; db: Promise<DB> } };

/** The process-wide database (kept on globalThis so dev-mode module reloads reuse one connection). */
export function getDb(target: string, options: OpenOptions = {}): Promise<DB> {
  if (holder.__chatDb?.target !== target) {
    const db = openDatabase(target, options);
    holder.__chatDb = { target, db };
    // A failed open is retried on the next request rather than remembered.
    db.catch(() => {
      if (holder.__chatDb?.db === db) holder.__chatDb = undefined;
    });
  }
  return holder.__chatDb.db;
}
