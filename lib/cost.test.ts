import { describe, expect, it } from 'vitest';
import { estimateCost, formatUsd, type Prices } from './cost';

/** qwen-turbo list prices, the config defaults (USD per million tokens). */
const prices: Prices = { input: 0.05, cachedInput: 0.01, output: 0.2 };

describe('estimateCost', () => {
  it('is 0 for no usage', () => {
    expect(estimateCost({ promptTokens: 0, completionTokens: 0, cachedTokens: 0 }, prices)).toBe(0);
  });

  it('bills prompt tokens at the input price and completion tokens at the output price', () => {
    expect(estimateCost({ promptTokens: 1_000_000, completionTokens: 0, cachedTokens: 0 }, prices)).toBeCloseTo(0.05, 12);
    expect(estimateCost({ promptTokens: 0, completionTokens: 1_000_000, cachedTokens: 0 }, prices)).toBeCloseTo(0.2, 12);
    expect(estimateCost({ promptTokens: 2_000_000, completionTokens: 500_000, cachedTokens: 0 }, prices)).toBeCloseTo(0.1 + 0.1, 12);
  });

  it('bills cached prompt tokens at the cached price, the rest of the prompt at the input price', () => {
    // 600k uncached × 0.05 + 400k cached × 0.01 + 100k completion × 0.2 = 0.03 + 0.004 + 0.02
    expect(estimateCost({ promptTokens: 1_000_000, completionTokens: 100_000, cachedTokens: 400_000 }, prices)).toBeCloseTo(0.054, 12);
  });

  it('never counts more cached tokens than prompt tokens', () => {
    const capped = estimateCost({ promptTokens: 1_000_000, completionTokens: 0, cachedTokens: 5_000_000 }, prices);
    expect(capped).toBeCloseTo(0.01, 12); // all 1M at the cached price, not 5M
    expect(capped).toBeGreaterThanOrEqual(0);
    expect(estimateCost({ promptTokens: 0, completionTokens: 0, cachedTokens: 1000 }, prices)).toBe(0);
  });

  it('caching never makes a request cost more', () => {
    const base = { promptTokens: 10_000, completionTokens: 1_000 };
    let previous = Infinity;
    for (const cachedTokens of [0, 2_500, 5_000, 10_000, 20_000]) {
      const cost = estimateCost({ ...base, cachedTokens }, prices);
      expect(cost).toBeLessThanOrEqual(previous);
      previous = cost;
    }
  });

  it('uses the prices it is given', () => {
    expect(
      estimateCost({ promptTokens: 1_000_000, completionTokens: 1_000_000, cachedTokens: 500_000 }, { input: 2, cachedInput: 1, output: 10 }),
    ).toBeCloseTo(1 + 0.5 + 10, 12);
    expect(estimateCost({ promptTokens: 123, completionTokens: 456, cachedTokens: 7 }, { input: 0, cachedInput: 0, output: 0 })).toBe(0);
  });
});

describe('formatUsd', () => {
  it('shows zero as $0', () => {
    expect(formatUsd(0)).toBe('$0');
  });

  it('shows cents for amounts of a cent or more', () => {
    expect(formatUsd(0.01)).toBe('$0.01');
    expect(formatUsd(0.054)).toBe('$0.05');
    expect(formatUsd(1)).toBe('$1.00');
    expect(formatUsd(12.345)).toMatch(/^\$12\.3[45]$/);
    expect(formatUsd(1234.5)).toBe('$1234.50');
  });

  it('shows two significant digits below a cent, so small costs are not shown as $0.00', () => {
    expect(formatUsd(0.004)).toBe('$0.0040');
    expect(formatUsd(0.00123)).toBe('$0.0012');
    expect(formatUsd(0.000054)).toBe('$0.000054');
    expect(formatUsd(0.0000012)).toBe('$0.0000012');
  });

  it('never uses exponential notation for tiny amounts', () => {
    const cost = estimateCost({ promptTokens: 8, completionTokens: 1, cachedTokens: 0 }, prices);
    expect(formatUsd(cost)).not.toMatch(/e/i);
    expect(formatUsd(5e-8)).not.toMatch(/e/i);
  });
});
