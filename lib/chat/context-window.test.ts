import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimateMessageTokens, estimateTokens, fitToBudget } from './context-window';

type Msg = { id: string; role: 'user' | 'assistant'; content: string };

/** Latin text costing exactly `tokens` estimated tokens (including the 4-token overhead). */
function latin(tokens: number): string {
  return 'a'.repeat((tokens - 4) * 4);
}

function msg(id: string, role: Msg['role'], tokens: number): Msg {
  return { id, role, content: latin(tokens) };
}

describe('estimateTokens', () => {
  it('is 0 for an empty string (no overhead for nothing)', () => {
    expect(estimateTokens('')).toBe(0);
  });

  it('counts Latin text at about four characters per token, plus a 4-token overhead', () => {
    expect(estimateTokens('a')).toBe(1 + 4);
    expect(estimateTokens('abcd')).toBe(1 + 4);
    expect(estimateTokens('abcde')).toBe(2 + 4);
    expect(estimateTokens('x'.repeat(400))).toBe(100 + 4);
    expect(estimateTokens('Hello, world! How are you?')).toBe(Math.ceil(26 / 4) + 4);
  });

  it.each([
    ['Chinese (CJK unified)', '你好世界'],
    ['Japanese hiragana', 'こんにちは'],
    ['Japanese katakana', 'カタカナ'],
    ['Korean hangul', '안녕하세요'],
    ['Thai', 'สวัสดี'],
    ['CJK extension A', '\u3400\u3401\u3402'],
    ['CJK compatibility ideographs', '\uf900\uf901'],
  ])('counts %s at one token per character', (_label, text) => {
    expect(estimateTokens(text)).toBe(text.length + 4);
  });

  it('mixes dense and Latin text', () => {
    // 2 dense characters + 8 Latin characters (incl. the space) → 2 + 2 + 4.
    expect(estimateTokens('你好 abcdefg')).toBe(2 + 2 + 4);
  });

  it('counts astral characters (emoji, CJK extension B) once each, and a lone surrogate as one character', () => {
    expect(estimateTokens('😀😀')).toBe(2 + 4);
    expect(estimateTokens('\u{20000}\u{20001}')).toBe(2 + 4);
    expect(estimateTokens('\ud800abc')).toBe(1 + 4);
  });

  it('agrees with the definition (regex over code points) on any text', () => {
    const dense =
      /[\u0e00-\u0e7f\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff\uff00-\uffef\u{1f300}-\u{1faff}\u{20000}-\u{2ffff}]/gu;
    const reference = (text: string) => {
      if (!text) return 0;
      const d = text.match(dense)?.length ?? 0;
      return d + Math.ceil(([...text].length - d) / 4) + 4;
    };
    const pieces = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: 'binary' }),
      fc.constantFrom('你好', 'カタカナ', '안녕', 'สวัสดี', '😀', '\u{2a6d6}', 'café', ' ', '\ud83d'),
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 20 }), (parts) => {
        const text = parts.join('');
        expect(estimateTokens(text)).toBe(reference(text));
      }),
      { numRuns: 500 },
    );
  });

  it('errs high: dense text costs far more than the same length of Latin text', () => {
    const n = 1000;
    expect(estimateTokens('字'.repeat(n))).toBeGreaterThan(estimateTokens('a'.repeat(n)) * 3);
  });
});

describe('estimateMessageTokens', () => {
  it('is estimateTokens of the text, for messages with and without an id', () => {
    expect(estimateMessageTokens({ content: 'Hello, world!' })).toBe(estimateTokens('Hello, world!'));
    expect(estimateMessageTokens({ id: 'm-est-1', content: '你好世界' })).toBe(estimateTokens('你好世界'));
    expect(estimateMessageTokens({ id: 'm-est-1', content: '你好世界' })).toBe(estimateTokens('你好世界'));
  });

  it('follows a message whose text grew under the same id (a reply saved while streaming)', () => {
    expect(estimateMessageTokens({ id: 'm-est-2', content: 'a'.repeat(40) })).toBe(10 + 4);
    expect(estimateMessageTokens({ id: 'm-est-2', content: 'a'.repeat(400) })).toBe(100 + 4);
  });
});

describe('fitToBudget', () => {
  it('keeps everything when it fits, with tokens the sum of the estimates', () => {
    const messages = [msg('u1', 'user', 10), msg('a1', 'assistant', 20), msg('u2', 'user', 30)];
    const fitted = fitToBudget(messages, 1000);
    expect(fitted.kept).toEqual(messages);
    expect(fitted.omitted).toBe(0);
    expect(fitted.tokens).toBe(60);
  });

  it('returns nothing for no messages, with tokens = reserved', () => {
    expect(fitToBudget([], 100)).toEqual({ kept: [], omitted: 0, tokens: 0 });
    expect(fitToBudget([], 100, 30)).toEqual({ kept: [], omitted: 0, tokens: 30 });
  });

  it('keeps the newest messages that fit and drops the oldest', () => {
    const messages = [
      msg('u1', 'user', 40),
      msg('a1', 'assistant', 40),
      msg('u2', 'user', 20),
      msg('a2', 'assistant', 20),
      msg('u3', 'user', 20),
    ];
    const fitted = fitToBudget(messages, 65);
    expect(fitted.kept.map((m) => m.id)).toEqual(['u2', 'a2', 'u3']);
    expect(fitted.omitted).toBe(2);
    expect(fitted.tokens).toBe(60);
  });

  it('fits exactly at the budget (the limit is inclusive)', () => {
    const messages = [msg('u1', 'user', 10), msg('a1', 'assistant', 10), msg('u2', 'user', 10)];
    expect(fitToBudget(messages, 30).omitted).toBe(0);
    expect(fitToBudget(messages, 29).omitted).toBe(2); // a1 would lead: dropped with its question
  });

  it('keeps a contiguous tail: a small old message is not kept past a large one that did not fit', () => {
    const messages = [msg('u1', 'user', 5), msg('a1', 'assistant', 500), msg('u2', 'user', 10)];
    const fitted = fitToBudget(messages, 100);
    expect(fitted.kept.map((m) => m.id)).toEqual(['u2']);
    expect(fitted.omitted).toBe(2);
  });

  it('always keeps the newest message, even alone over the budget', () => {
    const messages = [msg('u1', 'user', 10), msg('a1', 'assistant', 10), msg('u2', 'user', 500)];
    const fitted = fitToBudget(messages, 100);
    expect(fitted.kept.map((m) => m.id)).toEqual(['u2']);
    expect(fitted.omitted).toBe(2);
    expect(fitted.tokens).toBe(500);
  });

  it('always keeps the newest message even when the reserved tokens alone exceed the budget', () => {
    const messages = [msg('u1', 'user', 10), msg('a1', 'assistant', 10), msg('u2', 'user', 10)];
    const fitted = fitToBudget(messages, 100, 150);
    expect(fitted.kept.map((m) => m.id)).toEqual(['u2']);
    expect(fitted.omitted).toBe(2);
    expect(fitted.tokens).toBe(160);
  });

  it('never starts with an assistant reply whose question was dropped; tokens leave it out', () => {
    const messages = [
      msg('u1', 'user', 50),
      msg('a1', 'assistant', 20),
      msg('u2', 'user', 20),
      msg('a2', 'assistant', 20),
      msg('u3', 'user', 20),
    ];
    // a1..u3 = 80 fit in 85, u1 does not: a1 would lead, so it goes too.
    const fitted = fitToBudget(messages, 85);
    expect(fitted.kept.map((m) => m.id)).toEqual(['u2', 'a2', 'u3']);
    expect(fitted.kept[0]!.role).toBe('user');
    expect(fitted.omitted).toBe(2);
    expect(fitted.tokens).toBe(60);
  });

  it('drops several leading assistant messages in a row when their question was dropped', () => {
    const messages = [
      msg('u1', 'user', 100),
      msg('a1', 'assistant', 10),
      msg('a1b', 'assistant', 10),
      msg('u2', 'user', 10),
    ];
    const fitted = fitToBudget(messages, 50);
    expect(fitted.kept.map((m) => m.id)).toEqual(['u2']);
    expect(fitted.omitted).toBe(3);
    expect(fitted.tokens).toBe(10);
  });

  it('tokens include the reserved tokens (the system prompt), which also shrink the room', () => {
    const messages = [msg('u1', 'user', 20), msg('a1', 'assistant', 20), msg('u2', 'user', 20)];
    const without = fitToBudget(messages, 60);
    expect(without).toMatchObject({ omitted: 0, tokens: 60 });
    const withReserved = fitToBudget(messages, 60, 15);
    expect(withReserved.kept.map((m) => m.id)).toEqual(['u2']);
    expect(withReserved.omitted).toBe(2);
    expect(withReserved.tokens).toBe(35);
  });

  it('counts omitted + kept = all messages, and kept is always a suffix', () => {
    const roles: Msg['role'][] = ['user', 'assistant'];
    const messages = Array.from({ length: 30 }, (_, i) => msg(`m${i}`, roles[i % 2]!, 5 + ((i * 7) % 23)));
    for (const budget of [0, 10, 37, 80, 150, 300, 1000]) {
      for (const reserved of [0, 12]) {
        const fitted = fitToBudget(messages, budget, reserved);
        expect(fitted.omitted + fitted.kept.length).toBe(messages.length);
        expect(fitted.kept).toEqual(messages.slice(fitted.omitted));
        expect(fitted.kept.length).toBeGreaterThanOrEqual(1);
        const sum = fitted.kept.reduce((s, m) => s + estimateTokens(m.content), 0);
        expect(fitted.tokens).toBe(sum + reserved);
        if (fitted.kept.length > 1) {
          expect(fitted.tokens).toBeLessThanOrEqual(Math.max(budget, reserved + estimateTokens(messages.at(-1)!.content)));
        }
        if (fitted.omitted > 0 && fitted.kept.length > 1) expect(fitted.kept[0]!.role).toBe('user');
      }
    }
  });

  it('keeps the extra fields of the message objects (generic over T)', () => {
    const messages = [{ role: 'user', content: 'hi', id: 'x', extra: 42 }];
    expect(fitToBudget(messages, 100).kept[0]).toBe(messages[0]);
  });

  it('keeps a leading assistant message when nothing was dropped before it', () => {
    const messages = [msg('a0', 'assistant', 10), msg('u1', 'user', 10)];
    const fitted = fitToBudget(messages, 1000);
    expect(fitted.kept.map((m) => m.id)).toEqual(['a0', 'u1']);
    expect(fitted.omitted).toBe(0);
    expect(fitted.tokens).toBe(20);
  });
});
