import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DB } from '@/db/client';
import { getConversation, updateConversation } from '@/db/conversations';
import { beginTurn, finishReply, type TokenUsage } from '@/db/messages';
import { ApiError } from '@/lib/api/errors';
import { estimateTokens } from '@/lib/chat/context-window';
import { parseConfig } from '@/lib/config';
import { insertConversation, openTestDb } from '@/lib/testing/test-db';
import { listPage, listQuerySchema, loadConversation, switchBranch, update, updateSchema } from './conversations';

const config = parseConfig({});

let db: DB;
beforeEach(async () => {
  db = await openTestDb();
});
afterEach(() => {
  vi.restoreAllMocks();
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

async function turn(
  conversationId: string,
  userId: string,
  replyId: string,
  now: number,
  opts: { parentId?: string | null; usage?: TokenUsage; settings?: Record<string, unknown>; question?: string; answer?: string } = {},
) {
  await beginTurn(db, {
    conversationId,
    title: `Chat ${conversationId}`,
    settings: opts.settings ?? null,
    user: { id: userId, content: opts.question ?? `question ${userId}`, ...(opts.parentId !== undefined ? { parentId: opts.parentId } : {}) },
    assistantId: replyId,
    model: 'qwen-turbo',
    now,
  });
  await finishReply(db, replyId, { content: opts.answer ?? `answer ${replyId}`, status: 'complete', usage: opts.usage }, now + 10);
}

async function regenerate(conversationId: string, userId: string, replyId: string, now: number, usage?: TokenUsage) {
  await beginTurn(db, { conversationId, title: '', user: null, regenerateFrom: userId, assistantId: replyId, model: 'qwen-turbo', now });
  await finishReply(db, replyId, { content: `answer ${replyId}`, status: 'complete', usage }, now + 10);
}

describe('loadConversation: settings and defaults', () => {
  it('returns the conversation’s own settings and the server defaults separately', async () => {
    const withDefaults = parseConfig({ DEFAULT_TEMPERATURE: '0.3', DEFAULT_SYSTEM_PROMPT: 'Be brief' });
    await turn('c1', 'u1', 'a1', T0, { settings: { temperature: 1.2, seed: 4 } });
    const detail = (await loadConversation(db, withDefaults, 'c1'))!;
    expect(detail.settings).toEqual({ temperature: 1.2, seed: 4 });
    expect(detail.defaults).toEqual({ temperature: 0.3, systemPrompt: 'Be brief' });
  });

  it('with no settings of its own: {} and the defaults ({} without DEFAULT_* variables)', async () => {
    await turn('c1', 'u1', 'a1', T0);
    const detail = (await loadConversation(db, config, 'c1'))!;
    expect(detail.settings).toEqual({});
    expect(detail.defaults).toEqual({});
  });

  it('a garbled settings row degrades to {} rather than failing', async () => {
    await turn('c1', 'u1', 'a1', T0);
    await updateConversation(db, 'c1', { settings: { temperature: 'very hot', mystery: true } });
    expect((await loadConversation(db, config, 'c1'))!.settings).toEqual({});
  });
});

describe('loadConversation: usage and cost', () => {
  it('is zero for a conversation without usage', async () => {
    await insertConversation(db, { id: 'empty', updatedAt: T0 });
    expect((await loadConversation(db, config, 'empty'))!.usage).toEqual({ promptTokens: 0, completionTokens: 0, cachedTokens: 0, costUsd: 0, cacheSavedUsd: 0 });
  });

  it('sums every reply of every branch and prices it with the configured prices (defaults: 0.05 / 0.01 / 0.2)', async () => {
    await turn('c1', 'u1', 'a1', T0, { usage: { promptTokens: 600_000, completionTokens: 40_000, cachedTokens: 100_000 } });
    // A second version of the reply: still billed, though not on the active path.
    await regenerate('c1', 'u1', 'a1b', T0 + 100, { promptTokens: 400_000, completionTokens: 60_000, cachedTokens: 300_000 });
    const { usage } = (await loadConversation(db, config, 'c1'))!;
    expect(usage).toMatchObject({ promptTokens: 1_000_000, completionTokens: 100_000, cachedTokens: 400_000 });
    // 600k × 0.05 + 400k × 0.01 + 100k × 0.2 (per million) = 0.03 + 0.004 + 0.02
    expect(usage.costUsd).toBeCloseTo(0.054, 10);
  });

  it('uses PRICE_* from the configuration', async () => {
    const priced = parseConfig({ PRICE_INPUT_PER_M: '1', PRICE_CACHED_INPUT_PER_M: '0.5', PRICE_OUTPUT_PER_M: '4' });
    await turn('c1', 'u1', 'a1', T0, { usage: { promptTokens: 2_000_000, completionTokens: 500_000, cachedTokens: 1_000_000 } });
    expect((await loadConversation(db, priced, 'c1'))!.usage.costUsd).toBeCloseTo(1 + 0.5 + 2, 10);
  });
});

describe('loadConversation: context', () => {
  it('reports the estimated tokens of the next request, the budget and the model window', async () => {
    await turn('c1', 'u1', 'a1', T0, { question: 'How are you today?', answer: 'Fine, thanks.' });
    expect((await loadConversation(db, config, 'c1'))!.context).toEqual({
      tokens: estimateTokens('How are you today?') + estimateTokens('Fine, thanks.'),
      budget: 1_000_000 - 8192,
      window: 1_000_000,
      omitted: 0,
      fixedTokens: 0,
    });
  });

  it('counts the effective system prompt and uses the effective maxTokens for the budget', async () => {
    const withDefaults = parseConfig({ DEFAULT_SYSTEM_PROMPT: 'Be brief', DEFAULT_MAX_TOKENS: '1000' });
    await turn('c1', 'u1', 'a1', T0, { question: 'Hi', answer: 'Hello' });
    expect((await loadConversation(db, withDefaults, 'c1'))!.context).toEqual({
      tokens: estimateTokens('Be brief') + estimateTokens('Hi') + estimateTokens('Hello'),
      budget: 999_000,
      window: 1_000_000,
      omitted: 0,
      fixedTokens: estimateTokens('Be brief'),
    });
    await update(db, 'c1', { settings: { maxTokens: 2000 } });
    expect((await loadConversation(db, withDefaults, 'c1'))!.context.budget).toBe(998_000);
  });

  it('says how many of the oldest messages would be left out with a small budget', async () => {
    const small = parseConfig({ CONTEXT_BUDGET_TOKENS: '9000', DEFAULT_MAX_TOKENS: '8000' });
    const big = 'x'.repeat(400); // 104 tokens each
    for (let i = 0; i < 10; i++) await turn('c1', `u${i}`, `a${i}`, T0 + i * 100, { question: big, answer: big });
    const { context } = (await loadConversation(db, small, 'c1'))!;
    expect(context.budget).toBe(1000);
    expect(context.window).toBe(1_000_000);
    // 20 messages × 104: 9 fit (936), but the oldest kept may not be a reply → 8 kept, 12 omitted.
    expect(context.omitted).toBe(12);
    expect(context.tokens).toBe(8 * 104);
  });
});

describe('loadConversation: branch metadata', () => {
  it('is only on messages with more than one version', async () => {
    await turn('c1', 'u1', 'a1', T0);
    await turn('c1', 'u2', 'a2', T0 + 100);
    await turn('c1', 'u2b', 'a2b', T0 + 200, { parentId: 'a1' });
    const { messages } = (await loadConversation(db, config, 'c1'))!;
    expect(messages.map((m) => m.id)).toEqual(['u1', 'a1', 'u2b', 'a2b']);
    const branch = Object.fromEntries(messages.map((m) => [m.id, m.metadata?.branch]));
    expect(branch).toEqual({ u1: undefined, a1: undefined, u2b: { index: 1, count: 2, siblingIds: ['u2', 'u2b'] }, a2b: undefined });
    for (const m of messages) if (m.id !== 'u2b') expect(m.metadata && 'branch' in m.metadata).toBe(false);
  });

  it('shows reply versions too', async () => {
    await turn('c1', 'u1', 'a1', T0);
    await regenerate('c1', 'u1', 'a1b', T0 + 100);
    const { messages } = (await loadConversation(db, config, 'c1'))!;
    expect(messages[1]!.metadata?.branch).toEqual({ index: 1, count: 2, siblingIds: ['a1', 'a1b'] });
    expect(messages[0]!.metadata?.branch).toBeUndefined();
  });
});

describe('update: pinned', () => {
  it('a pinned conversation is listed in `pinned` on the first page, and marked pinned in `conversations`', async () => {
    await insertConversation(db, { id: 'p1', updatedAt: T0 });
    await insertConversation(db, { id: 'p2', updatedAt: T0 + 1 });
    expect(await update(db, 'p1', { pinned: true })).toMatchObject({ id: 'p1', pinned: true });

    const page = await listPage(db, { limit: 50 });
    expect(page.pinned?.map((c) => c.id)).toEqual(['p1']);
    expect(page.pinned?.[0]).toEqual({ id: 'p1', title: 'Chat p1', createdAt: T0, updatedAt: T0, pinned: true });
    expect(page.conversations.map((c) => [c.id, c.pinned])).toEqual([
      ['p2', false],
      ['p1', true],
    ]);
    // Summaries never expose the raw column.
    expect(page.conversations.every((c) => !('pinnedAt' in c))).toBe(true);
  });

  it('`pinned` is on the first page only, not with a cursor', async () => {
    for (let i = 0; i < 5; i++) await insertConversation(db, { id: `c${i}`, updatedAt: T0 + i });
    await update(db, 'c0', { pinned: true });
    const first = await listPage(db, listQuerySchema.parse({ limit: '2' }));
    expect(first.pinned?.map((c) => c.id)).toEqual(['c0']);
    expect(first.nextCursor).not.toBeNull();
    const second = await listPage(db, listQuerySchema.parse({ limit: '2', cursor: first.nextCursor }));
    expect('pinned' in second).toBe(false);
  });

  it('the first page has an empty `pinned` list when nothing is pinned', async () => {
    await insertConversation(db, { id: 'c1', updatedAt: T0 });
    expect((await listPage(db, { limit: 50 })).pinned).toEqual([]);
  });

  it('unpinning removes it from `pinned`', async () => {
    await insertConversation(db, { id: 'p1', updatedAt: T0 });
    await update(db, 'p1', { pinned: true });
    expect(await update(db, 'p1', { pinned: false })).toMatchObject({ pinned: false });
    const page = await listPage(db, { limit: 50 });
    expect(page.pinned).toEqual([]);
    expect(page.conversations[0]!.pinned).toBe(false);
    expect((await getConversation(db, 'p1'))!.pinnedAt).toBeNull();
  });

  it('lists the most recently pinned first', async () => {
    for (const id of ['a', 'b', 'c']) await insertConversation(db, { id, updatedAt: T0 });
    const now = vi.spyOn(Date, 'now');
    now.mockReturnValue(T0 + 1);
    await update(db, 'b', { pinned: true });
    now.mockReturnValue(T0 + 2);
    await update(db, 'a', { pinned: true });
    now.mockReturnValue(T0 + 3);
    await update(db, 'c', { pinned: true });
    expect((await listPage(db, { limit: 50 })).pinned?.map((c) => c.id)).toEqual(['c', 'a', 'b']);
  });

  it('pinning does not change the title or the settings', async () => {
    await turn('c1', 'u1', 'a1', T0, { settings: { temperature: 0.5 } });
    expect(await update(db, 'c1', { pinned: true })).toMatchObject({ title: 'Chat c1', pinned: true, settings: { temperature: 0.5 } });
  });
});

describe('update: settings', () => {
  it('stores a patch, returns the new settings, and loadConversation shows them', async () => {
    await insertConversation(db, { id: 's1', updatedAt: T0 });
    expect((await update(db, 's1', { settings: { temperature: 0.7, systemPrompt: 'Answer in French.' } })).settings).toEqual({
      temperature: 0.7,
      systemPrompt: 'Answer in French.',
    });
    expect((await update(db, 's1', { settings: { maxTokens: 512 } })).settings).toEqual({
      temperature: 0.7,
      systemPrompt: 'Answer in French.',
      maxTokens: 512,
    });
    expect((await loadConversation(db, config, 's1'))!.settings).toEqual({ temperature: 0.7, systemPrompt: 'Answer in French.', maxTokens: 512 });
  });

  it('null (and an empty system prompt) clears a field back to the default', async () => {
    await insertConversation(db, { id: 's1', updatedAt: T0 });
    await update(db, 's1', { settings: { temperature: 0.7, systemPrompt: 'Sys', seed: 1 } });
    expect((await update(db, 's1', { settings: { temperature: null, systemPrompt: '' } })).settings).toEqual({ seed: 1 });
    expect((await update(db, 's1', { settings: { seed: null } })).settings).toEqual({});
    expect((await loadConversation(db, config, 's1'))!.settings).toEqual({});
  });

  it('an out-of-range value → bad_request, and nothing is stored', async () => {
    await insertConversation(db, { id: 's1', updatedAt: T0 });
    await update(db, 's1', { settings: { temperature: 0.7 } });
    const error = await expectApiError(() => update(db, 's1', { settings: { temperature: 5, seed: 3 } }), 'bad_request');
    expect(error.status).toBe(400);
    await expectApiError(() => update(db, 's1', { settings: { topP: 0 } }), 'bad_request');
    await expectApiError(() => update(db, 's1', { settings: { maxTokens: 20_000 } }), 'bad_request');
    expect((await loadConversation(db, config, 's1'))!.settings).toEqual({ temperature: 0.7 });
  });

  it('an unknown conversation → not_found', async () => {
    await expectApiError(() => update(db, 'missing', { settings: { temperature: 1 } }), 'not_found');
    await expectApiError(() => update(db, 'missing', { pinned: true }), 'not_found');
  });

  it('a title, pinned and settings can change in one update', async () => {
    await insertConversation(db, { id: 's1', title: 'Old', updatedAt: T0 });
    expect(await update(db, 's1', { title: 'New', pinned: true, settings: { seed: 9 } })).toEqual({
      id: 's1',
      title: 'New',
      createdAt: T0,
      updatedAt: T0,
      pinned: true,
      settings: { seed: 9 },
      projectId: null,
    });
  });
});

describe('switchBranch', () => {
  async function tree() {
    await turn('c1', 'u1', 'a1', T0);
    await turn('c1', 'u2', 'a2', T0 + 100);
    await turn('c1', 'u3', 'a3', T0 + 200);
    await turn('c1', 'u2b', 'a2b', T0 + 300, { parentId: 'a1' });
  }

  it('makes the branch through the message active and returns the conversation', async () => {
    await tree();
    const detail = await switchBranch(db, config, 'c1', 'u2');
    expect(detail.id).toBe('c1');
    expect(detail.messages.map((m) => m.id)).toEqual(['u1', 'a1', 'u2', 'a2', 'u3', 'a3']);
    expect(detail.messages[2]!.metadata?.branch).toEqual({ index: 0, count: 2, siblingIds: ['u2', 'u2b'] });
    expect((await getConversation(db, 'c1'))!.currentLeafId).toBe('a3');
    expect((await loadConversation(db, config, 'c1'))!.messages.map((m) => m.id)).toEqual(['u1', 'a1', 'u2', 'a2', 'u3', 'a3']);
  });

  it('an unknown message → not_found, and the tip stays', async () => {
    await tree();
    const error = await expectApiError(() => switchBranch(db, config, 'c1', 'nope'), 'not_found');
    expect(error.status).toBe(404);
    expect((await getConversation(db, 'c1'))!.currentLeafId).toBe('a2b');
  });

  it('a message of another conversation → not_found, and neither tip moves', async () => {
    await tree();
    await turn('c2', 'x1', 'y1', T0 + 1000);
    await expectApiError(() => switchBranch(db, config, 'c2', 'u2'), 'not_found');
    expect((await getConversation(db, 'c1'))!.currentLeafId).toBe('a2b');
    expect((await getConversation(db, 'c2'))!.currentLeafId).toBe('y1');
  });

  it('an unknown conversation → not_found', async () => {
    await expectApiError(() => switchBranch(db, config, 'missing', 'u1'), 'not_found');
  });
});

describe('updateSchema', () => {
  it('rejects an empty object', () => {
    expect(updateSchema.safeParse({}).success).toBe(false);
  });

  it('rejects unknown keys, at the top level and in settings', () => {
    expect(updateSchema.safeParse({ title: 'ok', color: 'red' }).success).toBe(false);
    expect(updateSchema.safeParse({ pinnedAt: 123 }).success).toBe(false);
    expect(updateSchema.safeParse({ settings: { colour: 'red' } }).success).toBe(false);
  });

  it('accepts each field alone, and trims a title', () => {
    expect(updateSchema.parse({ pinned: true })).toEqual({ pinned: true });
    expect(updateSchema.parse({ settings: { temperature: null } })).toEqual({ settings: { temperature: null } });
    expect(updateSchema.parse({ title: '  New   title ' })).toEqual({ title: 'New title' });
  });

  it('rejects wrong types and out-of-range settings', () => {
    expect(updateSchema.safeParse({ pinned: 'yes' }).success).toBe(false);
    expect(updateSchema.safeParse({ title: '   ' }).success).toBe(false);
    expect(updateSchema.safeParse({ settings: { temperature: 2.5 } }).success).toBe(false);
    expect(updateSchema.safeParse({ settings: { seed: -1 } }).success).toBe(false);
    expect(updateSchema.safeParse({ settings: 'temperature=1' }).success).toBe(false);
  });
});
