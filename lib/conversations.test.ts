import { beforeEach, describe, expect, it } from 'vitest';
import type { DB } from '@/db/client';
import { getConversation } from '@/db/conversations';
import { beginTurn, finishReply, getMessage } from '@/db/messages';
import { ApiError } from '@/lib/api/errors';
import { insertConversation, openTestDb } from '@/lib/testing/test-db';
import { parseConfig } from '@/lib/config';

const config = parseConfig({});
import {
  decodeCursor,
  encodeCursor,
  listPage,
  listQuerySchema,
  loadConversation,
  remove,
  renameSchema,
  switchBranch,
  update,
  requireConversation,
} from './conversations';

let db: DB;
beforeEach(async () => {
  db = await openTestDb();
});

const T0 = 1_700_000_000_000;

async function expectApiError(fn: () => unknown, code: ApiError['code']): Promise<ApiError> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe(code);
    return error as ApiError;
  }
  throw new Error(`expected an ApiError ${code}`);
}

describe('cursors', () => {
  it('round-trip', () => {
    for (const cursor of [
      { updatedAt: T0, id: 'abc' },
      { updatedAt: 0, id: 'A-b_9' },
      { updatedAt: 9_999_999_999_999, id: '2f1c9a4e-1d1b-4b8e-9a63-0c6f2f9b1a11' },
    ]) {
      const raw = encodeCursor(cursor);
      expect(raw).toMatch(/^[A-Za-z0-9_-]+$/); // URL-safe
      expect(decodeCursor(raw)).toEqual(cursor);
    }
  });

  it.each([
    ['garbage', 'not a cursor!!'],
    ['empty', ''],
    ['no id', Buffer.from(`${T0}:`).toString('base64url')],
    ['non-numeric time', Buffer.from('abc:id').toString('base64url')],
    ['id with bad characters', Buffer.from(`${T0}:a' OR 1=1`).toString('base64url')],
    ['tampered', 'z' + encodeCursor({ updatedAt: T0, id: 'abc' }).slice(1)],
    ['truncated', encodeCursor({ updatedAt: T0, id: 'abc' }).slice(0, 8)],
  ])('a %s cursor → bad_request', async (_label, raw) => {
    const error = await expectApiError(() => decodeCursor(raw), 'bad_request');
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/cursor/);
  });
});

describe('listPage', () => {
  it('pages through all conversations with opaque cursors', async () => {
    for (let i = 0; i < 7; i++) await insertConversation(db, { id: `c${i}`, updatedAt: T0 + (i % 3) });
    const ids: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await listPage(db, listQuerySchema.parse({ limit: '3', cursor }));
      ids.push(...page.conversations.map((c) => c.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(ids).toEqual(['c5', 'c2', 'c4', 'c1', 'c6', 'c3', 'c0']);
  });

  it('rejects a tampered cursor with bad_request', async () => {
    await expectApiError(() => listPage(db, { limit: 10, cursor: 'bogus' }), 'bad_request');
  });

  it('applies the query defaults and limits', () => {
    expect(listQuerySchema.parse({})).toEqual({ limit: 50 });
    expect(listQuerySchema.safeParse({ limit: '0' }).success).toBe(false);
    expect(listQuerySchema.safeParse({ limit: '201' }).success).toBe(false);
  });
});

describe('loadConversation', () => {
  it('returns undefined for an unknown id', async () => {
    expect(await loadConversation(db, config, 'unknown')).toBeUndefined();
    await expectApiError(() => requireConversation(db, config, 'unknown'), 'not_found');
  });

  it('returns the active branch as UI messages, not generating', async () => {
    await beginTurn(db, { conversationId: 'lc1', title: 'Hi', user: { id: 'u1', content: 'Hi?' }, assistantId: 'a1', model: 'qwen-turbo', now: T0 });
    await finishReply(db, 'a1', { content: 'Hello!', status: 'complete', usage: { promptTokens: 5, completionTokens: 2 } }, T0 + 5);
    const detail = await loadConversation(db, config, 'lc1');
    expect(detail).toMatchObject({ id: 'lc1', title: 'Hi', createdAt: T0, updatedAt: T0, generating: false });
    expect(detail!.messages.map((m) => ({ id: m.id, role: m.role, parts: m.parts }))).toEqual([
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Hi?' }] },
      { id: 'a1', role: 'assistant', parts: [{ type: 'text', text: 'Hello!' }] },
    ]);
    expect(detail!.messages[1]!.metadata).toMatchObject({
      status: 'complete',
      model: 'qwen-turbo',
      usage: { promptTokens: 5, completionTokens: 2, cachedTokens: null },
    });
  });
});

describe('loadConversation: a message to open at (search results)', () => {
  async function longChat(turns: number) {
    for (let i = 0; i < turns; i++) {
      await beginTurn(db, { conversationId: 'long', title: 'Long', user: { id: `u${i}`, content: `q${i}` }, assistantId: `a${i}`, model: 'm', now: T0 + i * 10 });
      await finishReply(db, `a${i}`, { content: `r${i}`, status: 'complete' }, T0 + i * 10 + 5);
    }
  }

  it('an older message is included, with the page starting a few messages before it and running to the end', async () => {
    await longChat(100); // 200 messages
    const plain = (await loadConversation(db, config, 'long'))!;
    expect(plain.messages.map((m) => m.id)).not.toContain('u5');
    const opened = (await loadConversation(db, config, 'long', { include: 'u5' }))!;
    const ids = opened.messages.map((m) => m.id);
    expect(ids[0]).toBe('u0');
    expect(ids).toContain('u5');
    expect(ids.at(-1)).toBe('a99');
    expect(ids).toHaveLength(200);
    expect(opened.hasOlder).toBe(false);
    const later = (await loadConversation(db, config, 'long', { include: 'u40' }))!;
    expect(later.messages[0]!.id).toBe('u35');
    expect(later.hasOlder).toBe(true);
  });

  it('a message already in the newest page, or not on the branch, changes nothing', async () => {
    await longChat(100);
    const plain = (await loadConversation(db, config, 'long'))!.messages.map((m) => m.id);
    expect((await loadConversation(db, config, 'long', { include: 'a99' }))!.messages.map((m) => m.id)).toEqual(plain);
    expect((await loadConversation(db, config, 'long', { include: 'nope' }))!.messages.map((m) => m.id)).toEqual(plain);
  });
});

describe('rename', () => {
  it('renames and returns the summary', async () => {
    await insertConversation(db, { id: 'r1', title: 'Old', updatedAt: T0 });
    expect(await update(db, 'r1', { title: 'New' })).toEqual({ id: 'r1', title: 'New', createdAt: T0, updatedAt: T0, pinned: false, settings: {}, projectId: null });
  });

  it('an unknown id → not_found', async () => {
    expect((await expectApiError(() => update(db, 'missing', { title: 'x' }), 'not_found')).status).toBe(404);
  });

  it('the rename body schema trims and rejects empty or overlong titles', () => {
    expect(renameSchema.parse({ title: '  a   b \n c ' })).toEqual({ title: 'a b c' });
    expect(renameSchema.safeParse({ title: '   ' }).success).toBe(false);
    expect(renameSchema.safeParse({ title: 'x'.repeat(201) }).success).toBe(false);
  });
});

describe('remove', () => {
  it('deletes the conversation and its messages', async () => {
    await beginTurn(db, { conversationId: 'rm1', title: 't', user: { id: 'u1', content: 'q' }, assistantId: 'a1', model: 'm', now: T0 });
    const stops: string[] = [];
    await remove(db, 'rm1', { requestStop: (id) => stops.push(id) });
    expect(stops).toEqual(['rm1']);
    expect(await getConversation(db, 'rm1')).toBeUndefined();
    expect(await getMessage(db, 'u1')).toBeUndefined();
  });

  it('an unknown id → not_found', async () => {
    await expectApiError(() => remove(db, 'missing', { requestStop: () => undefined }), 'not_found');
  });
});
