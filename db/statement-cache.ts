import 'server-only';
import type Database from 'better-sqlite3';

/**
 * Reuses prepared statements by their SQL text. Drizzle prepares every query each time it runs it,
 * and preparing (parsing and planning the SQL) was the largest single cost of a chat request in a
 * CPU profile of 600 requests: ~0.9 ms each, more than running the queries. The same few dozen SQL
 * texts come back on every turn, so one LRU of statements per connection removes almost all of it.
 *
 * A cached statement is handed out again only in the state a fresh one has: not in the middle of an
 * `iterate()` (then a new one is prepared, uncached) and with raw mode off (drizzle switches it on
 * for its `values()` and `get()` on selected fields, and it stays on). SQLite re-prepares a statement
 * by itself after a schema change.
 */
export function cachePreparedStatements(sqlite: Database.Database, max = 500): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    const cached = cache.get(source);
    if (cached && !cached.busy) {
      // Most recently used last, so the first entry is the one to evict.
      cache.delete(source);
      cache.set(source, cached);
      if (cached.reader) cached.raw(false);
      return cached;
    }
    const statement = prepare(source);
    if (cached) return statement; // the cached one is busy iterating; this one is not kept
    cache.set(source, statement);
    if (cache.size > max) cache.delete(cache.keys().next().value!);
    return statement;
  }) as typeof sqlite.prepare;
}
