import type { Prices } from '@/lib/cost';

/**
 * List prices of the Qwen models we know, in USD per million tokens (Alibaba Cloud Model Studio,
 * international; cached input at 20 % of input, as Model Studio bills implicit-cache hits). The
 * configured PRICE_* settings are the default model's and win over this table for it; a model not
 * listed here has no price, and its replies are counted at the default model's.
 */
export const KNOWN_MODEL_PRICES: Readonly<Record<string, Prices>> = {
  'qwen-turbo': { input: 0.05, cachedInput: 0.01, output: 0.2 },
  'qwen-plus': { input: 0.4, cachedInput: 0.08, output: 1.2 },
  'qwen-max': { input: 1.6, cachedInput: 0.32, output: 6.4 },
  'qwen-long': { input: 0.07, cachedInput: 0.014, output: 0.28 },
};

/** Prices for a model: the configured ones for the default model, the table's for others, else undefined. */
export function knownPrices(model: string, defaultModel: string, configured: Prices): Prices | undefined {
  if (model === defaultModel) return configured;
  return KNOWN_MODEL_PRICES[model] ?? KNOWN_MODEL_PRICES[model.replace(/^.*\//, '')];
}
