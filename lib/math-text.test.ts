import { describe, expect, it } from 'vitest';
import { protectCurrency } from './math-text';

describe('protectCurrency', () => {
  it('keeps inline and display math', () => {
    expect(protectCurrency('Euler: $e^{i\\pi} + 1 = 0$.')).toBe('Euler: $e^{i\\pi} + 1 = 0$.');
    expect(protectCurrency('$$\n\\int_0^1 x\\,dx = \\frac12\n$$')).toBe('$$\n\\int_0^1 x\\,dx = \\frac12\n$$');
    expect(protectCurrency('where $x$ and $y$ are real')).toBe('where $x$ and $y$ are real');
  });

  it('escapes dollars that are money', () => {
    expect(protectCurrency('It costs $5 and $10 a month.')).toBe('It costs \\$5 and \\$10 a month.');
    expect(protectCurrency('Price: $20.')).toBe('Price: \\$20.');
    expect(protectCurrency('between $5 and $ 6')).toBe('between \\$5 and \\$ 6');
  });

  it('leaves code alone', () => {
    expect(protectCurrency('Run `echo $HOME` now, $5')).toBe('Run `echo $HOME` now, \\$5');
    const block = '```sh\necho $PATH $5\n```\nand $3';
    expect(protectCurrency(block)).toBe('```sh\necho $PATH $5\n```\nand \\$3');
  });

  it('does not join dollars across lines, and keeps escapes', () => {
    expect(protectCurrency('a $x\nb$ c')).toBe('a \\$x\nb\\$ c');
    expect(protectCurrency('already \\$5')).toBe('already \\$5');
  });

  it('leaves an unterminated display block (still streaming) as it is', () => {
    expect(protectCurrency('see $$\\sum_i')).toBe('see $$\\sum_i');
  });
});
