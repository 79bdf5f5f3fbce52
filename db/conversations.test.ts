import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type DB } from './client';
import { deleteConversation, getConversation, listConversations, renameConversation, type PageCursor } from './conversations';
import { beginTurn, finishReply, getMessage } from './messages';
import { messages } from './schema';
import { insertConversation, openTestDb } from '@/lib/testing/test-db';

let db: DB;
beforeEach(() => {
  db = openTestDb();
});

const T0 = 1_700_000_000_000;

describe('listConversations', () => {
  it('returns an empty page and no cursor for an empty database', () => {
    expect(listConversations(db, { limit: 10 })).toEqual({ conversations: [], next: null });
  });

  it('walks every conversation exactly once, newest first, across equal timestamps', () => {
    // 25 conversations: some with distinct times, runs of several sharing one updatedAt
    // (including runs that straddle the page boundaries at 10 and 20).
    const times = [
      T0 + 900, T0 + 800, T0 + 800, T0 + 800, T0 + 700, T0 + 600, T0 + 600, T0 + 500, T0 + 500, T0 + 500,
      T0 + 500, T0 + 500, T0 + 400, T0 + 300, T0 + 200, T0 + 200, T0 + 200, T0 + 200, T0 + 200, T0 + 200,
      T0 + 200, T0 + 100, T0 + 50, T0 + 50, T0,
    ];
    const ids = times.map((_, i) => `conv-${String((i * 7) % 25).padStart(2, '0')}`);
    // Insert in an order unrelated to the expected order.
    [...times.keys()].reverse().forEach((i) => insertConversation(db, { id: ids[i]!, updatedAt: times[i]! }));

    const seen: { id: string; updatedAt: number }[] = [];
    const pageSizes: number[] = [];
    let after: PageCursor | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = listConversations(db, { limit: 10, after });
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

  it('gives no next cursor when the last page is exactly full', () => {
    for (let i = 0; i < 10; i++) insertConversation(db, { id: `c${i}`, updatedAt: T0 + i });
    const page = listConversations(db, { limit: 10 });
    expect(page.conversations).toHaveLength(10);
    expect(page.next).toBeNull();
  });

  it('returns only summary fields', () => {
    insertConversation(db, { id: 'c1', title: 'Title', createdAt: T0 - 5, updatedAt: T0 });
    expect(listConversations(db, { limit: 5 }).conversations).toEqual([
      { id: 'c1', title: 'Title', createdAt: T0 - 5, updatedAt: T0, pinnedAt: null },
    ]);
  });
});

describe('renameConversation', () => {
  it('returns the renamed row and leaves updatedAt alone', () => {
    insertConversation(db, { id: 'c1', title: 'Old', updatedAt: T0 });
    const row = renameConversation(db, 'c1', 'New name');
    expect(row).toMatchObject({ id: 'c1', title: 'New name', updatedAt: T0, createdAt: T0 });
    expect(getConversation(db, 'c1')).toMatchObject({ title: 'New name', updatedAt: T0 });
  });

  it('returns undefined for an unknown id', () => {
    expect(renameConversation(db, 'nope', 'x')).toBeUndefined();
  });
});

describe('deleteConversation', () => {
  it('deletes the conversation and, by cascade, all of its messages', () => {
    beginTurn(db, { conversationId: 'c1', title: 't', user: { id: 'u1', content: 'q' }, assistantId: 'a1', model: 'm', now: T0 });
    finishReply(db, 'a1', { content: 'r', status: 'complete' }, T0 + 1);
    beginTurn(db, { conversationId: 'c1', title: 't', user: null, regenerateFrom: 'u1', assistantId: 'a1b', model: 'm', now: T0 + 2 });
    beginTurn(db, { conversationId: 'c2', title: 't', user: { id: 'u2', content: 'q' }, assistantId: 'a2', model: 'm', now: T0 });

    expect(deleteConversation(db, 'c1')).toBe(true);
    expect(getConversation(db, 'c1')).toBeUndefined();
    expect(['u1', 'a1', 'a1b'].map((id) => getMessage(db, id))).toEqual([undefined, undefined, undefined]);
    // The other conversation is untouched.
    expect(db.select().from(messages).all().map((m) => m.id).sort()).toEqual(['a2', 'u2']);
  });

  it('returns false for an unknown id', () => {
    expect(deleteConversation(db, 'nope')).toBe(false);
  });
});

describe('openDatabase on a file', () => {
  let dir: string;
  const opened: DB[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chat-db-test-'));
  });
  afterEach(() => {
    for (const handle of opened.splice(0)) if (handle.$client.open) handle.$client.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const open = (path: string) => {
    const handle = openDatabase(path);
    opened.push(handle);
    return handle;
  };

  it('creates missing folders, uses WAL and enforces foreign keys', () => {
    const file = open(join(dir, 'nested', 'deeper', 'chat.db'));
    expect(file.$client.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(file.$client.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(() =>
      file.insert(messages).values({ id: 'm', conversationId: 'missing', role: 'user', createdAt: T0 }).run(),
    ).toThrow(/FOREIGN KEY/);
  });

  it('keeps data across a reopen, migrates idempotently and marks unfinished replies interrupted', () => {
    const path = join(dir, 'chat.db');
    const first = open(path);
    beginTurn(first, { conversationId: 'c1', title: 'Kept', user: { id: 'u1', content: 'q' }, assistantId: 'a1', model: 'm', now: T0 });
    finishReply(first, 'a1', { content: 'answer', status: 'complete' }, T0 + 1);
    beginTurn(first, { conversationId: 'c1', title: 'Kept', user: { id: 'u2', content: 'q2' }, assistantId: 'a2', model: 'm', now: T0 + 2 });
    const migrationsBefore = first.$client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number };
    first.$client.close();

    // Simulates a restart after a crash mid-reply.
    const second = open(path);
    expect(getConversation(second, 'c1')).toMatchObject({ title: 'Kept', currentLeafId: 'a2' });
    expect(getMessage(second, 'a1')).toMatchObject({ content: 'answer', status: 'complete' });
    expect(getMessage(second, 'a2')).toMatchObject({ status: 'interrupted', error: expect.any(String) });
    const migrationsAfter = second.$client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number };
    expect(migrationsAfter.n).toBe(migrationsBefore.n);
    expect(migrationsAfter.n).toBeGreaterThan(0);
    second.$client.close();

    // A third open is just as uneventful.
    const third = open(path);
    expect(listConversations(third, { limit: 10 }).conversations.map((c) => c.id)).toEqual(['c1']);
  });
});
