import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase, type SeedOptions, type SeedResult } from './seed';
import { testDialect } from '@/lib/testing/test-db';

const dir = mkdtempSync(join(tmpdir(), 'seed-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const options: SeedOptions = {
  conversations: 40,
  messages: 2_001,
  exact: [{ count: 2, messages: 120 }],
  cjkShare: 0.25,
  seed: 42,
  now: Date.UTC(2026, 0, 1),
};

function open(path: string): Database.Database {
  return new Database(path, { readonly: true });
}

function column<T>(db: Database.Database, sql: string, ...params: unknown[]): T[] {
  return db
    .prepare(sql)
    .raw()
    .all(...params)
    .map((row) => (row as T[])[0]!);
}

// db/seed.ts writes SQLite files (and their FTS5 indexes and triggers): nothing of PostgreSQL's is involved.
describe.skipIf(testDialect === 'postgres')('seedDatabase', () => {
  // Seeded in beforeAll, not while collecting, so a skipped run does not seed at all.
  let fast: SeedResult;
  let slow: SeedResult;
  beforeAll(() => {
    fast = seedDatabase(join(dir, 'fast.db'), options);
    slow = seedDatabase(join(dir, 'slow.db'), { ...options, bulkIndex: false });
  }, 60_000);

  it('writes the requested numbers of conversations and messages', () => {
    expect(fast.conversations).toBe(42);
    expect(fast.messages).toBe(2_001 + 240);
    const db = open(fast.path);
    expect(column(db, 'SELECT count(*) FROM conversations')).toEqual([42]);
    expect(column(db, 'SELECT count(*) FROM messages')).toEqual([2_241]);
    expect(column(db, 'SELECT count(*) FROM conversations WHERE pinned_at IS NOT NULL')).toEqual([5]);
    db.close();
  });

  it('builds trees the way the app does: root → leaf alternates user/assistant, ends on the reply', () => {
    const db = open(fast.path);
    const conversations = db.prepare('SELECT id, current_leaf_id AS leaf, updated_at AS updatedAt FROM conversations').all() as {
      id: string;
      leaf: string;
      updatedAt: number;
    }[];
    const byId = db.prepare('SELECT id, parent_id AS parentId, role, conversation_id AS conversationId, created_at AS createdAt FROM messages WHERE id = ?');
    for (const c of conversations) {
      const path: { id: string; parentId: string | null; role: string; conversationId: string; createdAt: number }[] = [];
      for (let id: string | null = c.leaf; id; ) {
        const m = byId.get(id) as (typeof path)[number];
        path.unshift(m);
        id = m.parentId;
      }
      expect(path.length % 2).toBe(0);
      path.forEach((m, i) => {
        expect(m.role).toBe(i % 2 === 0 ? 'user' : 'assistant');
        expect(m.conversationId).toBe(c.id);
        if (i > 0) expect(m.createdAt).toBeGreaterThan(path[i - 1]!.createdAt);
      });
      // updated_at is the time of the last user message, as beginTurn writes it.
      expect(c.updatedAt).toBe(path.at(-2)!.createdAt);
    }
    for (const id of fast.exactIds[0]!) {
      expect(column(db, 'SELECT count(*) FROM messages WHERE conversation_id = ?', id)).toEqual([120]);
    }
    // Off-branch versions (regenerated replies) hang off a user message of the same conversation.
    const orphans = column(
      db,
      `SELECT count(*) FROM messages m LEFT JOIN messages p ON p.id = m.parent_id
       WHERE m.parent_id IS NOT NULL AND (p.id IS NULL OR p.conversation_id <> m.conversation_id OR p.role = m.role)`,
    );
    expect(orphans).toEqual([0]);
    db.close();
  });

  it('keeps user messages within 20–400 characters and replies within 200–3,000 (a third for Chinese)', () => {
    const db = open(fast.path);
    const [userMin, userMax] = db.prepare("SELECT min(length(content)), max(length(content)) FROM messages WHERE role = 'user'").raw().get() as number[];
    const [replyMax] = db.prepare("SELECT max(length(content)) FROM messages WHERE role = 'assistant'").raw().get() as number[];
    expect(userMin).toBeGreaterThanOrEqual(8);
    expect(userMax).toBeLessThanOrEqual(400);
    expect(replyMax).toBeLessThanOrEqual(3_000);
    db.close();
  });

  it('fills the search indexes in bulk exactly as the triggers would, and restores the triggers', () => {
    const a = open(fast.path);
    const b = open(slow.path);
    for (const table of ['messages_fts_docsize', 'messages_trigram_docsize']) {
      const sql = `SELECT id FROM ${table} ORDER BY id`;
      expect(column(a, sql)).toEqual(column(b, sql));
    }
    expect(column(a, 'SELECT count(*) FROM messages_trigram_docsize')[0]).toBeGreaterThan(0);
    for (const [table, query] of [
      ['messages_fts', 'render'],
      ['messages_fts', 'sqlite AND cache'],
      ['messages_trigram', '数据库'],
    ] as const) {
      const sql = `SELECT rowid FROM ${table} WHERE ${table} MATCH ? ORDER BY rowid`;
      const hits = column(a, sql, query);
      expect(hits.length).toBeGreaterThan(0);
      expect(hits).toEqual(column(b, sql, query));
    }
    const triggers = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name";
    expect(a.prepare(triggers).all()).toEqual(b.prepare(triggers).all());
    expect(a.prepare(triggers).all().length).toBeGreaterThan(0);
    a.close();
    b.close();
  });

  it('is deterministic', () => {
    const again = seedDatabase(join(dir, 'again.db'), options);
    const a = open(fast.path);
    const b = open(again.path);
    const sql = 'SELECT id, parent_id, content, created_at FROM messages ORDER BY rowid';
    expect(a.prepare(sql).raw().all()).toEqual(b.prepare(sql).raw().all());
    a.close();
    b.close();
  });
});
