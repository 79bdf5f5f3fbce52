import { describe, expect, it } from 'vitest';
import type { MessageRow } from '@/db/schema';
import { parseConfig } from '@/lib/config';
import { estimateTokens } from './context-window';
import { buildUpstreamRequest, contextBudget, defaultSettings } from './turn';

type H = Pick<MessageRow, 'role' | 'content'>;

const config = parseConfig({});
/** Budget 9000 − 8000 reserved for the reply = 1000 prompt tokens. */
const small = parseConfig({ CONTEXT_BUDGET_TOKENS: '9000', DEFAULT_MAX_TOKENS: '8000' });

/** Latin text costing exactly `tokens` estimated tokens. */
const latin = (tokens: number, ch = 'a') => ch.repeat((tokens - 4) * 4);

/** Latin text costing exactly `tokens`, starting with `label` (so the messages differ). */
const labelled = (label: string, tokens: number, ch = 'a') => (label + latin(tokens, ch)).slice(0, (tokens - 4) * 4);

/** n complete exchanges then a new question: u0 a0 u1 a1 … u(n-1) a(n-1) un, each message `tokens` big. */
function conversation(n: number, tokens: number): H[] {
  const out: H[] = [];
  for (let i = 0; i < n; i++) {
    out.push({ role: 'user', content: labelled(`q${i} `, tokens) });
    out.push({ role: 'assistant', content: labelled(`r${i} `, tokens, 'b') });
  }
  out.push({ role: 'user', content: labelled(`q${n} `, tokens) });
  return out;
}

describe('defaultSettings', () => {
  it('is empty when no DEFAULT_* variable is set', () => {
    expect(defaultSettings(config)).toEqual({});
  });

  it('reads each DEFAULT_* value', () => {
    expect(defaultSettings(parseConfig({ DEFAULT_TEMPERATURE: '0.3', DEFAULT_SYSTEM_PROMPT: 'Be brief' }))).toEqual({
      temperature: 0.3,
      systemPrompt: 'Be brief',
    });
    expect(
      defaultSettings(
        parseConfig({
          DEFAULT_SYSTEM_PROMPT: 'Sys',
          DEFAULT_TEMPERATURE: '0',
          DEFAULT_TOP_P: '0.9',
          DEFAULT_MAX_TOKENS: '2048',
          DEFAULT_PRESENCE_PENALTY: '-1',
          DEFAULT_FREQUENCY_PENALTY: '1.5',
          DEFAULT_SEED: '0',
        }),
      ),
    ).toEqual({ systemPrompt: 'Sys', temperature: 0, topP: 0.9, maxTokens: 2048, presencePenalty: -1, frequencyPenalty: 1.5, seed: 0 });
  });

  it('leaves out blank values', () => {
    expect(defaultSettings(parseConfig({ DEFAULT_SYSTEM_PROMPT: '   ', DEFAULT_TEMPERATURE: '' }))).toEqual({});
  });
});

describe('contextBudget', () => {
  it('is the window less room for the reply (8192 when maxTokens is unset)', () => {
    expect(contextBudget({}, config)).toBe(1_000_000 - 8192);
    expect(contextBudget({ maxTokens: 1000 }, config)).toBe(999_000);
  });

  it('uses a configured smaller budget instead of the window', () => {
    expect(contextBudget(defaultSettings(small), small)).toBe(1000);
    expect(contextBudget({ maxTokens: 500 }, small)).toBe(8500);
  });

  it('never uses a budget larger than the window', () => {
    const c = parseConfig({ CONTEXT_WINDOW_TOKENS: '10000', CONTEXT_BUDGET_TOKENS: '50000' });
    expect(contextBudget({}, c)).toBe(10_000 - 8192);
  });

  it('never goes below 100 tokens', () => {
    expect(contextBudget({}, parseConfig({ CONTEXT_BUDGET_TOKENS: '5000' }))).toBe(100);
    expect(contextBudget({ maxTokens: 16_384 }, parseConfig({ CONTEXT_WINDOW_TOKENS: '1000' }))).toBe(100);
  });
});

describe('buildUpstreamRequest', () => {
  const history: H[] = [
    { role: 'user', content: 'What is 2+2?' },
    { role: 'assistant', content: '4.' },
    { role: 'user', content: 'And 3+3?' },
  ];

  it('sends the whole history as user/assistant messages when it fits, and no system prompt when none is set', () => {
    const req = buildUpstreamRequest(history, {}, config);
    expect(req.system).toBeUndefined();
    expect(req.messages).toEqual([
      { role: 'user', content: 'What is 2+2?' },
      { role: 'assistant', content: '4.' },
      { role: 'user', content: 'And 3+3?' },
    ]);
    expect(req.omitted).toBe(0);
    expect(req.tokens).toBe(history.reduce((s, m) => s + estimateTokens(m.content), 0));
  });

  it('sends the system prompt as `system`, not as a message, and counts its tokens', () => {
    const req = buildUpstreamRequest(history, { systemPrompt: 'Be brief' }, config);
    expect(req.system).toBe('Be brief');
    expect(req.messages.every((m) => m.role !== 'system')).toBe(true);
    expect(req.messages).toHaveLength(3);
    expect(req.tokens).toBe(estimateTokens('Be brief') + history.reduce((s, m) => s + estimateTokens(m.content), 0));
  });

  it('treats a blank system prompt as none', () => {
    expect(buildUpstreamRequest(history, { systemPrompt: '   ' }, config).system).toBeUndefined();
    expect(buildUpstreamRequest(history, { systemPrompt: '' }, config).system).toBeUndefined();
  });

  it('skips empty-content messages (replies that failed before any text) and stored system rows', () => {
    const req = buildUpstreamRequest(
      [
        { role: 'system', content: 'an old stored system row' },
        { role: 'user', content: 'First?' },
        { role: 'assistant', content: '' },
        { role: 'user', content: 'Again?' },
      ],
      {},
      config,
    );
    expect(req.messages).toEqual([
      { role: 'user', content: 'First?' },
      { role: 'user', content: 'Again?' },
    ]);
    expect(req.omitted).toBe(0);
  });

  it('with an empty history sends nothing but the system prompt', () => {
    expect(buildUpstreamRequest([], { systemPrompt: 'Sys' }, config)).toEqual({
      system: 'Sys',
      messages: [],
      omitted: 0,
      tokens: estimateTokens('Sys'),
    });
  });

  it('leaves out the oldest turns over a small context budget and says how many', () => {
    const settings = defaultSettings(small);
    expect(contextBudget(settings, small)).toBe(1000);
    const long = conversation(10, 104); // 21 messages × 104 tokens = 2184
    const req = buildUpstreamRequest(long, settings, small);
    // 9 × 104 = 936 fit in 1000, a 10th would not.
    expect(req.messages).toHaveLength(9);
    expect(req.omitted).toBe(12);
    expect(req.omitted + req.messages.length).toBe(long.length);
    expect(req.tokens).toBe(936);
    expect(req.tokens).toBeLessThanOrEqual(1000);
    // The newest ones, in order, starting with a question.
    expect(req.messages[0]).toEqual({ role: 'user', content: long[12]!.content });
    expect(req.messages.at(-1)).toEqual({ role: 'user', content: long.at(-1)!.content });
  });

  it('keeps the system prompt when trimming, and its tokens take room from the history', () => {
    const systemPrompt = latin(200);
    const settings = { ...defaultSettings(small), systemPrompt };
    const long = conversation(10, 104);
    const req = buildUpstreamRequest(long, settings, small);
    expect(req.system).toBe(systemPrompt);
    // 200 + 7 × 104 = 928 fit, an 8th would make 1032: q7 r7 … q10.
    expect(req.messages).toHaveLength(7);
    expect(req.omitted).toBe(14);
    expect(req.messages[0]).toEqual({ role: 'user', content: long[14]!.content });
    expect(req.tokens).toBe(928);
  });

  it('never drops the system prompt, even when it alone is over the budget; the newest message still goes', () => {
    const systemPrompt = latin(5000);
    const settings = { ...defaultSettings(small), systemPrompt };
    const req = buildUpstreamRequest(conversation(3, 50), settings, small);
    expect(req.system).toBe(systemPrompt);
    expect(req.messages).toHaveLength(1);
    expect(req.messages[0]!.role).toBe('user');
    expect(req.omitted).toBe(6);
    expect(req.tokens).toBe(5000 + 50);
  });

  it("uses the conversation's maxTokens to size the room left for the history", () => {
    const long = conversation(10, 104);
    // Budget 9000 − 100 = 8900: everything fits.
    expect(buildUpstreamRequest(long, { maxTokens: 100 }, small).omitted).toBe(0);
    expect(buildUpstreamRequest(long, { maxTokens: 8000 }, small).omitted).toBe(12);
  });

  it('never starts with an assistant message after trimming', () => {
    for (let size = 60; size <= 400; size += 17) {
      const req = buildUpstreamRequest(conversation(12, size), defaultSettings(small), small);
      if (req.omitted > 0) expect(req.messages[0]!.role).toBe('user');
    }
  });
});
