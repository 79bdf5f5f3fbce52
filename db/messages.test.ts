import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DB } from './client';
import { getConversation } from './conversations';
import { beginTurn, finishReply, getActivePath, getMessage, markStreamingAsInterrupted, saveReplyProgress } from './messages';
import { messages } from './schema';
import { openTestDb } from '@/lib/testing/test-db';

let db: DB;
beforeEach(async () => {
  db = await openTestDb();
});

const T0 = 1_700_000_000_000;

function firstTurn(overrides: Partial<Parameters<typeof beginTurn>[1]> = {}) {
  return beginTurn(db, {
    conversationId: 'c1',
    title: 'Hello',
    user: { id: 'u1', content: 'Hello?' },
    assistantId: 'a1',
    model: 'qwen-turbo',
    now: T0,
    ...overrides,
  });
}

describe('beginTurn', () => {
  it('creates the conversation on the first message, with the user message and a streaming placeholder', async () => {
    const result = await firstTurn();
    expect(result.created).toBe(true);

    const conversation = await getConversation(db, 'c1');
    expect(conversation).toMatchObject({ id: 'c1', title: 'Hello', createdAt: T0, updatedAt: T0, currentLeafId: 'a1' });

    expect(await getMessage(db, 'u1')).toMatchObject({
      conversationId: 'c1',
      parentId: null,
      role: 'user',
      content: 'Hello?',
      status: 'complete',
    });
    const placeholder = await getMessage(db, 'a1');
    expect(placeholder).toMatchObject({
      conversationId: 'c1',
      parentId: 'u1',
      role: 'assistant',
      content: '',
      status: 'streaming',
      model: 'qwen-turbo',
    });
    // The reply sorts after its prompt even when both land in the same millisecond.
    expect(placeholder!.createdAt).toBeGreaterThan((await getMessage(db, 'u1'))!.createdAt);

    // The history to send upstream: root first, without the placeholder.
    expect(result.history.map((m) => m.id)).toEqual(['u1']);
    expect(result.history[0]).toMatchObject({ role: 'user', content: 'Hello?' });
  });

  it('continues an existing conversation: history holds the earlier exchange, title and createdAt stay', async () => {
    await firstTurn();
    await finishReply(db, 'a1', { content: 'Hi there.', status: 'complete' }, T0 + 10);

    const second = await beginTurn(db, {
      conversationId: 'c1',
      title: 'ignored for an existing conversation',
      user: { id: 'u2', content: 'And now?' },
      assistantId: 'a2',
      model: 'qwen-turbo',
      now: T0 + 1000,
    });
    expect(second.created).toBe(false);
    expect(second.history.map((m) => [m.id, m.role, m.content])).toEqual([
      ['u1', 'user', 'Hello?'],
      ['a1', 'assistant', 'Hi there.'],
      ['u2', 'user', 'And now?'],
    ]);
    expect((await getMessage(db, 'u2'))!.parentId).toBe('a1');
    expect((await getMessage(db, 'a2'))!.parentId).toBe('u2');
    expect(await getConversation(db, 'c1')).toMatchObject({
      title: 'Hello',
      createdAt: T0,
      updatedAt: T0 + 1000,
      currentLeafId: 'a2',
    });
  });

  it('rolls back everything when a step fails (duplicate message id)', async () => {
    await firstTurn();
    await expect(
      beginTurn(db, {
        conversationId: 'c2',
        title: 'Other',
        user: { id: 'u1', content: 'duplicate id' },
        assistantId: 'a9',
        model: 'qwen-turbo',
        now: T0 + 5,
      }),
    ).rejects.toThrow();
    expect(await getConversation(db, 'c2')).toBeUndefined();
    expect(await getMessage(db, 'a9')).toBeUndefined();
  });
});

describe('getActivePath', () => {
  it('returns [] for no leaf and follows parent links root first', async () => {
    expect(await getActivePath(db, null)).toEqual([]);
    await firstTurn();
    await finishReply(db, 'a1', { content: 'one', status: 'complete' }, T0 + 1);
    await beginTurn(db, { conversationId: 'c1', title: '', user: { id: 'u2', content: 'two?' }, assistantId: 'a2', model: 'm', now: T0 + 2 });
    expect((await getActivePath(db, 'a2')).map((m) => m.id)).toEqual(['u1', 'a1', 'u2', 'a2']);
    expect((await getActivePath(db, 'a1')).map((m) => m.id)).toEqual(['u1', 'a1']);
  });

  it('a regeneration keeps the old reply stored but moves it off the active path', async () => {
    await firstTurn();
    await finishReply(db, 'a1', { content: 'first answer', status: 'complete' }, T0 + 1);

    const regen = await beginTurn(db, {
      conversationId: 'c1',
      title: '',
      user: null,
      regenerateFrom: 'u1',
      assistantId: 'a1b',
      model: 'qwen-turbo',
      now: T0 + 100,
    });
    expect(regen.created).toBe(false);
    expect(regen.history.map((m) => m.id)).toEqual(['u1']);
    expect(await getMessage(db, 'a1b')).toMatchObject({ parentId: 'u1', status: 'streaming' });

    const leaf = (await getConversation(db, 'c1'))!.currentLeafId;
    expect(leaf).toBe('a1b');
    const path = await getActivePath(db, leaf);
    expect(path.map((m) => m.id)).toEqual(['u1', 'a1b']);
    // The old version is still stored, as a sibling.
    expect(await getMessage(db, 'a1')).toMatchObject({ parentId: 'u1', content: 'first answer', status: 'complete' });
  });

  it('maps every column of the row', async () => {
    await firstTurn();
    await finishReply(db, 'a1', { content: 'x', status: 'complete', usage: { promptTokens: 1, completionTokens: 2, cachedTokens: 3 } }, T0 + 7);
    const [, reply] = await getActivePath(db, 'a1');
    expect(reply).toEqual(await getMessage(db, 'a1'));
  });
});

describe('saveReplyProgress', () => {
  it('updates a streaming reply', async () => {
    await firstTurn();
    await saveReplyProgress(db, 'a1', 'partial', T0 + 50);
    expect(await getMessage(db, 'a1')).toMatchObject({ content: 'partial', status: 'streaming', updatedAt: T0 + 50 });
  });

  it('does not touch a reply that is no longer streaming', async () => {
    await firstTurn();
    await finishReply(db, 'a1', { content: 'final', status: 'stopped' }, T0 + 60);
    await saveReplyProgress(db, 'a1', 'late progress', T0 + 70);
    expect(await getMessage(db, 'a1')).toMatchObject({ content: 'final', status: 'stopped', updatedAt: T0 + 60 });
    // Nor a user message.
    await saveReplyProgress(db, 'u1', 'overwritten?', T0 + 80);
    expect((await getMessage(db, 'u1'))!.content).toBe('Hello?');
  });
});

describe('finishReply', () => {
  it('stores content, status and usage', async () => {
    await firstTurn();
    await finishReply(
      db,
      'a1',
      { content: 'Done.', status: 'complete', usage: { promptTokens: 12, completionTokens: 3, cachedTokens: 0 } },
      T0 + 90,
    );
    expect(await getMessage(db, 'a1')).toMatchObject({
      content: 'Done.',
      status: 'complete',
      error: null,
      promptTokens: 12,
      completionTokens: 3,
      cachedTokens: 0,
      updatedAt: T0 + 90,
    });
  });

  it('stores an error text, with null usage when none is known', async () => {
    await firstTurn();
    await finishReply(db, 'a1', { content: 'half', status: 'error', error: 'The model service had a problem.' }, T0 + 91);
    expect(await getMessage(db, 'a1')).toMatchObject({
      content: 'half',
      status: 'error',
      error: 'The model service had a problem.',
      promptTokens: null,
      completionTokens: null,
      cachedTokens: null,
    });
  });
});

describe('markStreamingAsInterrupted', () => {
  it('turns every streaming reply into interrupted with an explanation, and nothing else', async () => {
    await firstTurn();
    await beginTurn(db, { conversationId: 'c2', title: 'b', user: { id: 'u2', content: 'b' }, assistantId: 'a2', model: 'm', now: T0 });
    await finishReply(db, 'a2', { content: 'ok', status: 'complete' }, T0 + 1);
    await saveReplyProgress(db, 'a1', 'half a sent', T0 + 2);

    expect(await markStreamingAsInterrupted(db, T0 + 3)).toBe(1);
    const a1 = (await getMessage(db, 'a1'))!;
    expect(a1).toMatchObject({ status: 'interrupted', content: 'half a sent', updatedAt: T0 + 3 });
    expect(a1.error).toEqual(expect.any(String));
    expect(a1.error!.length).toBeGreaterThan(0);
    expect(await getMessage(db, 'a2')).toMatchObject({ status: 'complete', error: null });
    expect(await db.select().from(messages).where(eq(messages.status, 'streaming'))).toEqual([]);
    expect(await markStreamingAsInterrupted(db, T0 + 4)).toBe(0);
  });
});

describe('text PostgreSQL cannot hold', () => {
  it('a NUL in a message, a title, a reply being written and a finished reply is stored as U+FFFD on either engine', async () => {
    await firstTurn({ title: 'Hi\u0000there', user: { id: 'u1', content: 'a\u0000b' } });
    await saveReplyProgress(db, 'a1', 'par\u0000tial', T0 + 5);
    expect((await getMessage(db, 'a1'))!.content).toBe('par\uFFFDtial');
    await finishReply(db, 'a1', { content: 'do\u0000ne', status: 'complete' }, T0 + 10);
    expect((await getMessage(db, 'u1'))!.content).toBe('a\uFFFDb');
    expect((await getMessage(db, 'a1'))!.content).toBe('do\uFFFDne');
    expect((await getConversation(db, 'c1'))!.title).toBe('Hi\uFFFDthere');
  });
});
