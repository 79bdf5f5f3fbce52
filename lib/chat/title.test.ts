import { describe, expect, it } from 'vitest';
import { titleFromMessage } from './title';

describe('titleFromMessage', () => {
  it('uses the first non-empty line', () => {
    expect(titleFromMessage('\n\n   \nHow do I sort a list?\nIn Python, please.')).toBe('How do I sort a list?');
  });

  it('strips markdown punctuation and collapses whitespace', () => {
    expect(titleFromMessage('## **Bold**   and  `code` > here')).toBe('Bold and code > here');
    expect(titleFromMessage('```ts\nconst x = 1;\n```')).toBe('const x = 1;');
    expect(titleFromMessage('> [link](http://x) ~~gone~~')).toBe('link gone');
  });

  it('keeps characters that are part of the words', () => {
    expect(titleFromMessage('Rename my_var to snake_case in C#')).toBe('Rename my_var to snake_case in C#');
    expect(titleFromMessage('Fix issue #42 in a*b')).toBe('Fix issue #42 in a*b');
  });

  it('keeps short lines whole, including exactly 60 characters', () => {
    const sixty = 'a'.repeat(60);
    expect(titleFromMessage(sixty)).toBe(sixty);
  });

  it('cuts long lines at a word boundary, at most 60 characters plus an ellipsis', () => {
    const text = 'The quick brown fox jumps over the lazy dog and then keeps running far away';
    const title = titleFromMessage(text);
    expect(title.endsWith('…')).toBe(true);
    const body = title.slice(0, -1);
    expect([...body].length).toBeLessThanOrEqual(60);
    expect(text.startsWith(body)).toBe(true);
    // Cut between words: the next character in the original is a space.
    expect(text[body.length]).toBe(' ');
    expect(body).toBe('The quick brown fox jumps over the lazy dog and then keeps');
  });

  it('cuts a single very long word at 60 characters', () => {
    const title = titleFromMessage('x'.repeat(100));
    expect(title).toBe(`${'x'.repeat(60)}…`);
  });

  it('handles CJK text (no spaces) by counting characters', () => {
    const short = '你好，请帮我写一首关于春天的诗';
    expect(titleFromMessage(short)).toBe(short);
    const long = '春眠不觉晓处处闻啼鸟'.repeat(10);
    const title = titleFromMessage(long);
    expect(title).toBe(`${[...long].slice(0, 60).join('')}…`);
  });

  it('never splits a surrogate pair', () => {
    const title = titleFromMessage('😀'.repeat(70));
    expect(title).toBe(`${'😀'.repeat(60)}…`);
  });

  it('falls back to "New chat" for empty or markup-only input', () => {
    expect(titleFromMessage('')).toBe('New chat');
    expect(titleFromMessage('   \n\t\n')).toBe('New chat');
    expect(titleFromMessage('```\n```')).toBe('New chat');
    expect(titleFromMessage('**  **')).toBe('New chat');
  });
});
