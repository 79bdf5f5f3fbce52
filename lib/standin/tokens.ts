/**
 * Token accounting. The stand-in has no tokenizer; the usual "about four
 * characters per token" rule is close enough for usage numbers that only need
 * to be plausible, stable and non-zero.
 */
import type { ChatMessage } from './types';

/** ≈ ceil(characters / 4), at least 1 for non-empty text. Counts code points, not UTF-16 units. */
export function estimateTokens(text: string): number {
  if (text.length === 0) return 0;
  let characters = 0;
  for (const _ of text) characters++;
  return Math.max(1, Math.ceil(characters / 4));
}

/** The `usage` object of a chat completion, in OpenAI's wire format. */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
}

/** Providers cache prompt prefixes in blocks; 64 tokens keeps the numbers small but visible. */
const CACHE_BLOCK_TOKENS = 64;

/**
 * Usage for a reply of `completionTokens` tokens. The cache simulation treats every
 * message but the last as a prefix seen on the previous turn, which is what makes
 * `cached_tokens` grow over a multi-turn conversation like a real prefix cache.
 */
export function computeUsage(messages: readonly ChatMessage[], completionTokens: number): Usage {
  const perMessage = messages.map((message) => estimateTokens(message.content));
  const promptTokens = perMessage.reduce((sum, tokens) => sum + tokens, 0);
  const prefixTokens = perMessage.slice(0, -1).reduce((sum, tokens) => sum + tokens, 0);
  const cachedTokens = Math.floor(prefixTokens / CACHE_BLOCK_TOKENS) * CACHE_BLOCK_TOKENS;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cachedTokens },
  };
}
