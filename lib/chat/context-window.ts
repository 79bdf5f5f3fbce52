/**
 * Fitting a conversation into the model's context window. Token counts are estimated (no
 * tokenizer ships for qwen-turbo offline): scripts without spaces count about one token per
 * character, everything else about four characters per token. The estimate errs high, so a
 * request that fits here fits upstream.
 */
const DENSE =
  /[\u0e00-\u0e7f\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff\uff00-\uffef\u{1f300}-\u{1faff}\u{20000}-\u{2ffff}]/gu;

export function estimateTokens(text: string): number {
  if (!text) return 0;
  const dense = text.match(DENSE)?.length ?? 0;
  const rest = [...text].length - dense;
  return dense + Math.ceil(rest / 4) + 4; // + per-message overhead (role, separators)
}

export type Fitted<T> = { kept: T[]; omitted: number; tokens: number };

/**
 * Keeps the newest messages that fit in `budget` tokens (the system prompt is never dropped;
 * its tokens are passed as `reserved`). Drops whole turns from the oldest end, and never starts
 * the kept history with an assistant reply whose question was dropped.
 */
export function fitToBudget<T extends { role: string; content: string }>(messages: T[], budget: number, reserved = 0): Fitted<T> {
  let tokens = reserved;
  let start = messages.length;
  for (let i = messages.length - 1; i >= 0; i--) {
    const cost = estimateTokens(messages[i]!.content);
    if (tokens + cost > budget && start < messages.length) break;
    tokens += cost;
    start = i;
  }
  // The newest message always goes, even alone over budget: the upstream then says so clearly.
  while (start > 0 && start < messages.length - 1 && messages[start]!.role === 'assistant') {
    tokens -= estimateTokens(messages[start]!.content);
    start++;
  }
  return { kept: messages.slice(start), omitted: start, tokens };
}
