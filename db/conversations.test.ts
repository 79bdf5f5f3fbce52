import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type DB } from './client';
import { deleteConversation, getConversation, listConversations, renameConversation, type PageCursor } from './conversations';
import { beginTurn, finishReply, getMessage } from './messages';
import { messages } from './schema';
import { insertConversation, openTestDb, testDialect } from '@/lib/testing/test-db';

let db: DB;
beforeEach(async () => {
  db = await openTestDb();
});

const T0 = 1_700_000_000_000;

describe('listConversations', () => {
  it('returns an empty page and no cursor for an empty database', async () => {
    expect(await listConversations(db, { limit: 10 })).toEqual({ conversations: [], next: null });
  });

  it('walks every conversation exactly once, newest first, across equal timestamps', async () => {
    // 25 conversations: some with distinct times, runs of several sharing one updatedAt
    // (including runs that straddle the page boundaries at 10 and 20).
    const times = [
      T0 + 900, T0 + 800, T0 + 800, T0 + 800, T0 + 700, T0 + 600, T0 + 600, T0 + 500, T0 + 500, T0 + 500,
      T0 + 500, T0 + 500, T0 + 400, T0 + 300, T0 + 200, T0 + 200, T0 + 200, T0 + 200, T0 + 200, T0 + 200,
      T0 + 200, T0 + 100, T0 + 50, T0 + 50, T0,
    ];
    const ids = times.map((_, i) => `conv-${String((i * 7) % 25).padStart(2, '0')}`);
    // Insert in an order unrelated to the expected order.
    for (const i of [...times.keys()].reverse()) await insertConversation(db, { id: ids[i]!, updatedAt: times[i]! });

    const seen: { id: string; updatedAt: number }[] = [];
    const pageSizes: number[] = [];
    let after: PageCursor | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await listConversations(db, { limit: 10, after });
      pageSizes.push(page.conversations.length);
      seen.push(...page.conversations);
      if (!page.next) break;
      expect(page.next).toEqual({
        updatedAt: page.conversations.at(-1)!.updatedAt,
        id: page.conversations.at(-1)!.id,
      });
      after = page.next;
    }

    expect(pageSizes).toEqual([10, 10, 5]);
    expect(seen).toHaveLength(25);
    expect(new Set(seen.map((c) => c.id)).size).toBe(25);
    expect(new Set(seen.map((c) => c.id))).toEqual(new Set(ids));
    // Newest first; ties broken by id, descending.
    const expected = [...seen].sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    expect(seen).toEqual(expected);
  });

  it('gives no next cursor when the last page is exactly full', async () => {
    for (let i = 0; i < 10; i++) await insertConversation(db, { id: `c${i}`, updatedAt: T0 + i });
    const page = await listConversations(db, { limit: 10 });
    expect(page.conversations).toHaveLength(10);
    expect(page.next).toBeNull();
  });

  it('returns only summary fields', async () => {
    await insertConversation(db, { id: 'c1', title: 'Title', createdAt: T0 - 5, updatedAt: T0 });
    expect((await listConversations(db, { limit: 5 })).conversations).toEqual([
      { id: 'c1', title: 'Title', createdAt: T0 - 5, updatedAt: T0, pinnedAt: null },
    ]);
  });
});

describe('renameConversation', () => {
  it('returns the renamed row and leaves updatedAt alone', async () => {
    await insertConversation(db, { id: 'c1', title: 'Old', updatedAt: T0 });
    const row = await renameConversation(db, 'c1', 'New name');
    expect(row).toMatchObject({ id: 'c1', title: 'New name', updatedAt: T0, createdAt: T0 });
    expect(await getConversation(db, 'c1')).toMatchObject({ title: 'New name', updatedAt: T0 });
  });

  it('returns undefined for an unknown id', async () => {
    expect(await renameConversation(db, 'nope', 'x')).toBeUndefined();
  });
});

describe('deleteConversation', () => {
  it('deletes the conversation and, by cascade, all of its messages', async () => {
    await beginTurn(db, { conversationId: 'c1', title: 't', user: { id: 'u1', content: 'q' }, assistantId: 'a1', model: 'm', now: T0 });
    await finishReply(db, 'a1', { content: 'r', status: 'complete' }, T0 + 1);
    await beginTurn(db, { conversationId: 'c1', title: 't', user: null, regenerateFrom: 'u1', assistantId: 'a1b', model: 'm', now: T0 + 2 });
    await beginTurn(db, { conversationId: 'c2', title: 't', user: { id: 'u2', content: 'q' }, assistantId: 'a2', model: 'm', now: T0 });

    expect(await deleteConversation(db, 'c1')).toBe(true);
    expect(await getConversation(db, 'c1')).toBeUndefined();
    expect(await Promise.all(['u1', 'a1', 'a1b'].map((id) => getMessage(db, id)))).toEqual([undefined, undefined, undefined]);
    // The other conversation is untouched.
    expect((await db.select().from(messages)).map((m) => m.id).sort()).toEqual(['a2', 'u2']);
  });

  it('returns false for an unknown id', async () => {
    expect(await deleteConversation(db, 'nope')).toBe(false);
  });
});

// About the SQLite file itself (folders, WAL, pragmas, reopening it, its __drizzle_migrations).
describe.skipIf(testDialect === 'postgres')('openDatabase on a file', () => {
  let dir: string;
  const opened: DB[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chat-db-test-'));
  });
  afterEach(async () => {
    for (const handle of opened.splice(0)) await handle.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const open = async (path: string) => {
    const handle = await openDatabase(path);
    opened.push(handle);
    return handle;
  };
  const sqliteOf = (handle: DB) => (handle as unknown as { $client: Database.Database }).$client;

  it('creates missing folders, uses WAL and enforces foreign keys', async () => {
    const file = await open(join(dir, 'nested', 'deeper', 'chat.db'));
    expect(sqliteOf(file).pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sqliteOf(file).pragma('foreign_keys', { simple: true })).toBe(1);
    await expect(
      (async () => {
        await file.insert(messages).values({ id: 'm', conversationId: 'missing', role: 'user', createdAt: T0 });
      })(),
    ).rejects.toThrow(/FOREIGN KEY/);
  });

  it('keeps data across a reopen, migrates idempotently and marks unfinished replies interrupted', async () => {
    const path = join(dir, 'chat.db');
    const first = await open(path);
    await beginTurn(first, { conversationId: 'c1', title: 'Kept', user: { id: 'u1', content: 'q' }, assistantId: 'a1', model: 'm', now: T0 });
    await finishReply(first, 'a1', { content: 'answer', status: 'complete' }, T0 + 1);
    await beginTurn(first, { conversationId: 'c1', title: 'Kept', user: { id: 'u2', content: 'q2' }, assistantId: 'a2', model: 'm', now: T0 + 2 });
    const migrationsBefore = sqliteOf(first).prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number };
    await first.close();

    // Simulates a restart after a crash mid-reply.
    const second = await open(path);
    expect(await getConversation(second, 'c1')).toMatchObject({ title: 'Kept', currentLeafId: 'a2' });
    expect(await getMessage(second, 'a1')).toMatchObject({ content: 'answer', status: 'complete' });
    expect(await getMessage(second, 'a2')).toMatchObject({ status: 'interrupted', error: expect.any(String) });
    const migrationsAfter = sqliteOf(second).prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number };
    expect(migrationsAfter.n).toBe(migrationsBefore.n);
    expect(migrationsAfter.n).toBeGreaterThan(0);
    await second.close();

    // A third open is just as uneventful.
    const third = await open(path);
    expect((await listConversations(third, { limit: 10 })).conversations.map((c) => c.id)).toEqual(['c1']);
  });
});
