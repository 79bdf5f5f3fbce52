/** USD per million tokens. */
export type Prices = { input: number; cachedInput: number; output: number };

export type UsageTotals = { promptTokens: number; completionTokens: number; cachedTokens: number };

/**
 * Estimated cost of token usage. Cached prompt tokens are billed at the cached rate, the rest of
 * the prompt at the input rate.
 */
export function estimateCost(usage: UsageTotals, prices: Prices): number {
  const cached = Math.min(usage.cachedTokens, usage.promptTokens);
  return ((usage.promptTokens - cached) * prices.input + cached * prices.cachedInput + usage.completionTokens * prices.output) / 1e6;
}

/** What cached prompt tokens cost less than the same tokens at the input price. */
export function cacheSaving(cachedTokens: number, prices: Prices): number {
  return (cachedTokens * Math.max(0, prices.input - prices.cachedInput)) / 1e6;
}

export function formatUsd(amount: number): string {
  if (amount === 0) return '$0';
  if (amount < 1e-8) return '<$0.00000001';
  // Two significant digits, written out: a first exchange can cost well under a millionth of a dollar.
  if (amount < 0.01) return `$${amount.toFixed(Math.min(8, 1 - Math.floor(Math.log10(amount))))}`;
  return `$${amount.toFixed(2)}`;
}
