import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { getConversation, updateConversation } from '@/db/conversations';
import { beginTurn } from '@/db/messages';
import type { DB } from '@/db/client';
import { createStandinHandler, type StandinRequestInfo } from '@/lib/standin';
import { TITLE_REQUEST_START } from '@/lib/standin/handler';
import { openTestDb } from '@/lib/testing/test-db';
import { cleanTitle, startTitleJob, TITLE_INSTRUCTION, titleBeingWritten } from './auto-title';

const seen: StandinRequestInfo[] = [];
const handler = createStandinHandler({ defaultDelayMs: 0, onRequest: (info) => seen.push(info) });
const model = createOpenAICompatible({
  name: 'aimlapi',
  baseURL: 'http://standin.test/v1',
  apiKey: 'k',
  fetch: (input, init) => handler(new Request(input, init)),
}).chatModel('qwen-turbo');

let db: DB;
beforeEach(async () => {
  db = await openTestDb();
  seen.length = 0;
});

async function newConversation(id: string, text: string) {
  await beginTurn(db, { conversationId: id, title: text.slice(0, 40), user: { id: `${id}-u`, content: text }, assistantId: `${id}-a`, model: 'm', now: 1 });
}

describe('cleanTitle', () => {
  it.each([
    ['"Trip to Kyoto"', 'Trip to Kyoto'],
    ['Title: Budget review.', 'Budget review'],
    ['**Quarterly numbers**\nmore text', 'Quarterly numbers'],
    ['  「京都旅行」。 ', '京都旅行'],
    ['# Planning the launch!', 'Planning the launch'],
    ['', undefined],
    ['"  "', undefined],
  ])('%j → %j', (raw, expected) => {
    expect(cleanTitle(raw)).toBe(expected);
  });

  it('cuts a long answer at a word, at most 80 characters', () => {
    const title = cleanTitle('word '.repeat(40))!;
    expect(title.length).toBeLessThanOrEqual(80);
    expect(title.endsWith('word')).toBe(true);
  });
});

describe('startTitleJob', () => {
  it('asks once, without streaming, at temperature 0 and at most 24 tokens, and stores the title', async () => {
    await newConversation('c1', 'plan a trip to kyoto in spring please');
    const title = await startTitleJob(db, { conversationId: 'c1', model, firstMessage: 'plan a trip to kyoto in spring please', reply: 'Sure.' });
    expect(title).toBe('Plan A Trip To Kyoto In');
    expect(await getConversation(db, 'c1')).toMatchObject({ title: 'Plan A Trip To Kyoto In', titleSource: 'model' });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.stream).toBe(false);
    expect(seen[0]!.params).toMatchObject({ temperature: 0, max_tokens: 24 });
    expect(seen[0]!.system).toBe(TITLE_INSTRUCTION);
    expect(TITLE_INSTRUCTION.startsWith(TITLE_REQUEST_START)).toBe(true);
  });

  it('never overwrites a title the user gave', async () => {
    await newConversation('c2', 'hello there');
    await updateConversation(db, 'c2', { title: 'Mine', titleSource: 'user' });
    expect(await startTitleJob(db, { conversationId: 'c2', model, firstMessage: 'hello there', reply: 'Hi' })).toBeUndefined();
    expect((await getConversation(db, 'c2'))!.title).toBe('Mine');
  });

  it('keeps the first message as the title when the call fails', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await newConversation('c3', 'fails here [[title-fail]]');
    expect(await startTitleJob(db, { conversationId: 'c3', model, firstMessage: 'fails here [[title-fail]]', reply: 'ok' })).toBeUndefined();
    expect(await getConversation(db, 'c3')).toMatchObject({ title: 'fails here [[title-fail]]', titleSource: 'message' });
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });

  it('lets a reader wait for the title being written', async () => {
    await newConversation('c4', 'wait for me');
    const job = startTitleJob(db, { conversationId: 'c4', model, firstMessage: 'wait for me', reply: 'ok' });
    await titleBeingWritten('c4', 5_000);
    expect((await getConversation(db, 'c4'))!.title).toBe('Wait For Me');
    await job;
    await titleBeingWritten('c4', 5_000); // none under way: at once
  });
});
