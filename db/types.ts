import { is, SQL } from 'drizzle-orm';
import { PgDatabase } from 'drizzle-orm/pg-core';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type * as schema from './schema';

/**
 * A database handle or a transaction on it, SQLite (better-sqlite3) or PostgreSQL (node-postgres):
 * the query modules accept either. It is typed as an asynchronous SQLite handle, the shape both are
 * used through here: queries are awaited (never `.get()`, `.all()`, `.run()`, which PostgreSQL's
 * builders lack), a row count comes from `.returning()`, raw SQL goes through `rows()`. With
 * PostgreSQL the tables are schema-pg.ts's (see tables.ts), whose names and columns are the same.
 */
export type Db = BaseSQLiteDatabase<'async', unknown, typeof schema>;

export function isPostgres(db: Db): boolean {
  return is(db as unknown, PgDatabase);
}

/** The first row, or undefined: what `.get()` is on SQLite alone. */
export function first<T>(rows: T[]): T | undefined {
  return rows[0];
}

class RawQuery {
  constructor(readonly query: SQL) {}
}

/** One statement of a unit of work (below): a drizzle query builder, or raw SQL that returns rows. */
type Step = PromiseLike<unknown> | RawQuery;

/**
 * A unit of work written once for both engines: a generator that yields its statements. Why not an
 * async function: better-sqlite3 is synchronous and cannot run a transaction across `await`s (drizzle
 * throws "cannot return a promise" and the writes land outside it), and an async body on one shared
 * connection would let other requests' statements interleave with it. Driven synchronously on SQLite,
 * a transaction stays what it always was here (one synchronous block, well under a millisecond for a
 * chat turn); on PostgreSQL the same body is driven with `await`.
 */
export type Work<T> = Generator<Step, T, unknown>;

/** `const rows = yield* q(db.select()…)`: runs one drizzle query inside a unit of work. */
export function* q<T>(query: PromiseLike<T>): Generator<Step, T, unknown> {
  return (yield query) as T;
}

/** `const found = yield* rows<Row>(sql\`…\`)`: raw SQL returning rows (aliases are quoted: PostgreSQL folds case). */
export function* rows<T>(query: SQL): Generator<Step, T[], unknown> {
  return (yield new RawQuery(query)) as T[];
}

type PreparedSync = { executeMethod: 'all' | 'get' | 'run' } & Record<'all' | 'get' | 'run', () => unknown>;

function stepSync(db: Db, step: Step): unknown {
  if (step instanceof RawQuery) return (db as unknown as { all(query: SQL): unknown[] }).all(step.query);
  // The builder's own prepared statement, executed the way `await` would, but now.
  const prepared = (step as unknown as { _prepare(): PreparedSync })._prepare();
  return prepared[prepared.executeMethod]();
}

async function stepAsync(db: Db, step: Step): Promise<unknown> {
  if (step instanceof RawQuery) {
    const result = await (db as unknown as { execute(query: SQL): Promise<{ rows: unknown[] }> }).execute(step.query);
    return result.rows;
  }
  return await step;
}

function driveSync<T>(db: Db, work: Work<T>): T {
  let next = work.next();
  while (!next.done) {
    let value: unknown;
    try {
      value = stepSync(db, next.value);
    } catch (error) {
      next = work.throw(error);
      continue;
    }
    next = work.next(value);
  }
  return next.value;
}

async function driveAsync<T>(db: Db, work: Work<T>): Promise<T> {
  let next = work.next();
  while (!next.done) {
    let value: unknown;
    try {
      value = await stepAsync(db, next.value);
    } catch (error) {
      next = work.throw(error);
      continue;
    }
    next = work.next(value);
  }
  return next.value;
}

/** Runs a unit of work outside any transaction (each statement on its own). */
export function run<T>(db: Db, work: (db: Db) => Work<T>): Promise<T> {
  if (isPostgres(db)) return driveAsync(db, work(db));
  try {
    return Promise.resolve(driveSync(db, work(db)));
  } catch (error) {
    return Promise.reject(error);
  }
}

type SyncTransaction = (fn: (tx: Db) => unknown, config?: { behavior: 'immediate' }) => unknown;
type AsyncTransaction = (fn: (tx: Db) => Promise<unknown>) => Promise<unknown>;

/**
 * Runs a unit of work in one transaction that writes. On SQLite it is `BEGIN IMMEDIATE`: a deferred
 * transaction that reads and then writes, while another process sharing the file (several instances)
 * has written since its read, fails at once with SQLITE_BUSY (its snapshot is stale, the busy timeout
 * cannot help). On PostgreSQL, READ COMMITTED with row locks taken by the writes themselves.
 */
export function transaction<T>(db: Db, work: (tx: Db) => Work<T>): Promise<T> {
  if (isPostgres(db)) return (db.transaction as unknown as AsyncTransaction)((tx) => driveAsync(tx, work(tx))) as Promise<T>;
  try {
    return Promise.resolve((db.transaction as unknown as SyncTransaction)((tx) => driveSync(tx, work(tx)), { behavior: 'immediate' }) as T);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** A transaction that only reads, for a consistent view across several statements. */
export function readTransaction<T>(db: Db, work: (tx: Db) => Work<T>): Promise<T> {
  if (isPostgres(db)) {
    return (db.transaction as unknown as (fn: (tx: Db) => Promise<unknown>, config: object) => Promise<unknown>)(
      (tx) => driveAsync(tx, work(tx)),
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    ) as Promise<T>;
  }
  try {
    return Promise.resolve((db.transaction as unknown as SyncTransaction)((tx) => driveSync(tx, work(tx))) as T);
  } catch (error) {
    return Promise.reject(error);
  }
}
