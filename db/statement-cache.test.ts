import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cachePreparedStatements } from './statement-cache';
import { testDialect } from '@/lib/testing/test-db';

function db(max?: number) {
  const sqlite = new Database(':memory:');
  sqlite.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO t (name) VALUES ('a'), ('b'), ('c');`);
  cachePreparedStatements(sqlite, max);
  return sqlite;
}

// better-sqlite3's prepared statements: nothing of PostgreSQL's is involved.
describe.skipIf(testDialect === 'postgres')('prepared statement cache', () => {
  it('the same SQL gets the same statement back', () => {
    const sqlite = db();
    expect(sqlite.prepare('SELECT name FROM t')).toBe(sqlite.prepare('SELECT name FROM t'));
    expect(sqlite.prepare('SELECT name FROM t')).not.toBe(sqlite.prepare('SELECT id FROM t'));
  });

  it('a statement left in raw mode (as drizzle leaves it) comes back returning objects', () => {
    const sqlite = db();
    expect(sqlite.prepare('SELECT name FROM t WHERE id = ?').raw().get(1)).toEqual(['a']);
    expect(sqlite.prepare('SELECT name FROM t WHERE id = ?').get(1)).toEqual({ name: 'a' });
  });

  it('while one is iterating, the same SQL gets a statement of its own', () => {
    const sqlite = db();
    const names: string[] = [];
    for (const row of sqlite.prepare('SELECT name FROM t ORDER BY id').iterate() as Iterable<{ name: string }>) {
      names.push(row.name, ...(sqlite.prepare('SELECT name FROM t ORDER BY id').all() as { name: string }[]).map((r) => r.name.toUpperCase()));
    }
    expect(names.slice(0, 4)).toEqual(['a', 'A', 'B', 'C']);
    expect(names).toHaveLength(12);
  });

  it('keeps at most `max` statements, dropping the least recently used', () => {
    const sqlite = db(2);
    const one = sqlite.prepare('SELECT 1');
    sqlite.prepare('SELECT 2');
    sqlite.prepare('SELECT 1'); // used again: now the newest
    sqlite.prepare('SELECT 3'); // evicts SELECT 2
    expect(sqlite.prepare('SELECT 1')).toBe(one);
    const two = sqlite.prepare('SELECT 2');
    expect(sqlite.prepare('SELECT 2')).toBe(two);
  });

  it('writes still run and return their changes', () => {
    const sqlite = db();
    expect(sqlite.prepare('UPDATE t SET name = ? WHERE id = ?').run('z', 1).changes).toBe(1);
    expect(sqlite.prepare('UPDATE t SET name = ? WHERE id = ?').run('y', 2).changes).toBe(1);
    expect(sqlite.prepare('SELECT name FROM t ORDER BY id').all()).toEqual([{ name: 'z' }, { name: 'y' }, { name: 'c' }]);
  });
});
