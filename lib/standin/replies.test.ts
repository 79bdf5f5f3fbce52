import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { cannedReply, loremTokens } from './replies';
import { splitIntoPieces } from './pieces';
import { computeUsage, estimateTokens } from './tokens';

const user = (content: string) => ({ role: 'user', content });

describe('cannedReply', () => {
  it('introduces the demo model on a greeting and explains how to reach qwen-turbo', () => {
    const reply = cannedReply([user('Hello!')]);
    expect(reply).toMatch(/built-in demo model/);
    expect(reply).toContain('AIMLAPI_API_KEY');
    expect(reply).toMatch(/markdown/);
    expect(reply).toMatch(/code/);
    expect(reply).toMatch(/table/);
  });

  it('shows off markdown', () => {
    const reply = cannedReply([user('show me some Markdown please')]);
    expect(reply).toMatch(/^# /m);
    expect(reply).toContain('**bold**');
    expect(reply).toContain('*italic*');
    expect(reply).toMatch(/^- /m);
    expect(reply).toMatch(/^\| .* \|$/m);
    expect(reply).toMatch(/^> /m);
    expect(reply).toContain('```ts\n');
  });

  it('answers code, table and long requests', () => {
    expect(cannedReply([user('some code')])).toMatch(/```ts[\s\S]*```python/);
    expect(cannedReply([user('a table')])).toMatch(/^\| :-- /m);
    const long = cannedReply([user('something long')]);
    expect(long.split(/\s+/).length).toBeGreaterThan(350);
    expect(long.split('\n\n').length).toBeGreaterThanOrEqual(4);
  });

  it('answers math with inline and display LaTeX', () => {
    const reply = cannedReply([user('some math please')]);
    expect(reply).toMatch(/\$[^$\n]+\$/);
    expect(reply).toMatch(/^\$\$\n[\s\S]+\n\$\$$/m);
  });

  it('lets topics win over greetings and ignores directives when choosing', () => {
    expect(cannedReply([user('hi, show me a table')])).toMatch(/^\| /m);
    expect(cannedReply([user('hello [[delay=5]]')])).toContain('AIMLAPI_API_KEY');
  });

  it('echoes anything else and counts the messages it received', () => {
    const reply = cannedReply([
      { role: 'system', content: 'be brief' },
      user('first'),
      { role: 'assistant', content: 'ok' },
      user('what did I say? [[delay=1]]'),
    ]);
    expect(reply).toMatch(/^You said: "what did I say\?"/);
    expect(reply).toContain('4 messages (1 system, 2 user, 1 assistant)');
    expect(reply).toContain('3 earlier messages');
  });

  it('is deterministic', () => {
    const messages = [user('anything at all')];
    expect(cannedReply(messages)).toBe(cannedReply(messages));
  });
});

describe('splitIntoPieces', () => {
  it('is lossless for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(splitIntoPieces(text).join('')).toBe(text);
      }),
    );
  });

  it('makes token-sized pieces that keep leading whitespace and never split an emoji', () => {
    expect(splitIntoPieces('Hello  world\n')).toEqual(['Hello', '  world', '\n']);
    expect(splitIntoPieces('internationalization')).toEqual(['inte', 'rnat', 'iona', 'liza', 'tion']);
    const pieces = splitIntoPieces('👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦');
    expect(pieces).toHaveLength(3);
    expect(pieces[0]).toBe('👨‍👩‍👧‍👦'.repeat(4));
  });
});

describe('loremTokens', () => {
  it('returns exactly N one-word pieces', () => {
    const tokens = loremTokens(45);
    expect(tokens).toHaveLength(45);
    for (const token of tokens) expect(token).toMatch(/^[a-z]+ $/);
  });
});

describe('estimateTokens / computeUsage', () => {
  it('estimates about four characters per token', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('a')).toBe(1);
    expect(estimateTokens('abcd')).toBe(1);
    expect(estimateTokens('abcde')).toBe(2);
    expect(estimateTokens('😀😀😀😀')).toBe(1); // code points, not UTF-16 units
  });

  it('caches every message but the last, in blocks of 64 tokens', () => {
    expect(computeUsage([user('x'.repeat(1000))], 5).prompt_tokens_details.cached_tokens).toBe(0);
    const usage = computeUsage([user('x'.repeat(400)), { role: 'assistant', content: 'y'.repeat(200) }, user('z')], 5);
    // prefix = 100 + 50 = 150 tokens → 128 cached
    expect(usage).toEqual({
      prompt_tokens: 151,
      completion_tokens: 5,
      total_tokens: 156,
      prompt_tokens_details: { cached_tokens: 128 },
    });
  });
});
