import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { estimateMessageHeight, estimateTurnHeight, TURN_GAP_PX } from './turn-height';

describe('estimateMessageHeight', () => {
  it('a one-line question is a bubble of one line; a one-line reply adds its usage line and actions', () => {
    const question = estimateMessageHeight('user', 'What is a monad?');
    const reply = estimateMessageHeight('assistant', 'A monoid in the category of endofunctors.');
    expect(question).toBeGreaterThanOrEqual(40);
    expect(question).toBeLessThanOrEqual(60);
    expect(reply).toBeGreaterThan(question);
    expect(reply).toBeLessThanOrEqual(120);
  });

  it('wraps long lines: a 900-character paragraph is about ten lines in a reply, more in the narrower bubble', () => {
    const text = 'word '.repeat(180);
    const reply = estimateMessageHeight('assistant', text);
    const question = estimateMessageHeight('user', text);
    expect(reply - estimateMessageHeight('assistant', 'x')).toBeGreaterThanOrEqual(8 * 28);
    expect(reply - estimateMessageHeight('assistant', 'x')).toBeLessThanOrEqual(12 * 28);
    expect(question - estimateMessageHeight('user', 'x')).toBeGreaterThan(reply - estimateMessageHeight('assistant', 'x'));
  });

  it('counts each line of a code block, and paragraph breaks', () => {
    const code = ['```ts', ...Array.from({ length: 20 }, (_, i) => `const x${i} = ${i};`), '```'].join('\n');
    expect(estimateMessageHeight('assistant', code)).toBeGreaterThanOrEqual(22 * 28);
    expect(estimateMessageHeight('assistant', 'one\n\ntwo')).toBeGreaterThan(estimateMessageHeight('assistant', 'one\ntwo'));
  });

  it('an empty reply (still being written) is not nothing', () => {
    expect(estimateMessageHeight('assistant', '')).toBeGreaterThan(0);
  });

  it('never shrinks when text is added, and is always a positive whole-ish number of pixels', () => {
    fc.assert(
      fc.property(fc.constantFrom('user', 'assistant'), fc.string({ maxLength: 400 }), fc.string({ maxLength: 400 }), (role, a, b) => {
        const shorter = estimateMessageHeight(role, a);
        const longer = estimateMessageHeight(role, a + b.replace(/\n/g, ' '));
        expect(shorter).toBeGreaterThan(0);
        expect(Number.isFinite(shorter)).toBe(true);
        expect(longer).toBeGreaterThanOrEqual(shorter);
      }),
    );
  });

  it('reads a megabyte of text quickly (it runs for every turn not yet measured)', () => {
    const text = ('A line of a long reply that goes on for a while.\n').repeat(20_000);
    const started = performance.now();
    const h = estimateMessageHeight('assistant', text);
    expect(h).toBeGreaterThan(20_000 * 28);
    // Generous: a loaded CI machine; splitting into an array of lines would not fail this, but a quadratic scan would.
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('estimateTurnHeight', () => {
  it('stacks the messages with a gap after each', () => {
    expect(estimateTurnHeight([48, 100])).toBe(48 + 100 + 2 * TURN_GAP_PX);
    expect(estimateTurnHeight([])).toBe(0);
  });
});
