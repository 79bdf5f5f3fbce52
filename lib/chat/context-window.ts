/**
 * Fitting a conversation into the model's context window. Token counts are estimated (no
 * tokenizer ships for qwen-turbo offline): scripts without spaces count about one token per
 * character, everything else about four characters per token. The estimate errs high, so a
 * request that fits here fits upstream.
 */
/** Code-point ranges counted one token per character: Thai, CJK, kana, hangul, full-width forms, emoji. */
const DENSE_RANGES: readonly (readonly [number, number])[] = [
  [0x0e00, 0x0e7f],
  [0x3000, 0x303f],
  [0x3040, 0x30ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xff00, 0xffef],
  [0x1f300, 0x1faff],
  [0x20000, 0x2ffff],
];

function isDense(codePoint: number): boolean {
  if (codePoint < 0x0e00) return false; // ASCII and most alphabets: the common case, decided at once
  for (const [from, to] of DENSE_RANGES) if (codePoint >= from && codePoint <= to) return true;
  return false;
}

/**
 * One pass over UTF-16 units, no allocation: a 2,000-message conversation is ~1.3 M characters,
 * and a regex match plus spreading the string into code points cost ~8 ms of a turn's start.
 */
export function estimateTokens(text: string): number {
  if (!text) return 0;
  let dense = 0;
  let rest = 0;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = (code - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
        i++;
      }
    }
    if (isDense(code)) dense++;
    else rest++;
  }
  return dense + Math.ceil(rest / 4) + 4; // + per-message overhead (role, separators)
}

/** Estimates by message id; a stored message's text only ever grows (a streaming reply), so its length tells a stale entry. */
const estimates = new Map<string, { chars: number; tokens: number }>();
/** ~50,000 messages: a few MB, far more than the conversations anyone has open at once. */
const ESTIMATES_KEPT = 50_000;

/**
 * `estimateTokens` of a stored message, remembered by id: every turn of a long conversation fits
 * the same thousands of messages into the window again, and only the newest ones are new.
 */
export function estimateMessageTokens(message: { id?: string; content: string }): number {
  if (!message.id) return estimateTokens(message.content);
  const known = estimates.get(message.id);
  if (known && known.chars === message.content.length) return known.tokens;
  const tokens = estimateTokens(message.content);
  estimates.set(message.id, { chars: message.content.length, tokens });
  if (estimates.size > ESTIMATES_KEPT) estimates.delete(estimates.keys().next().value!);
  return tokens;
}

/** A message's text plus what goes with it upstream (its attached documents). */
function messageCost(message: { id?: string; content: string; extraTokens?: number }): number {
  return estimateMessageTokens(message) + (message.extraTokens ?? 0);
}

export type Fitted<T> = { kept: T[]; omitted: number; tokens: number };

/**
 * Keeps the newest messages that fit in `budget` tokens (the system prompt is never dropped;
 * its tokens are passed as `reserved`). Drops whole turns from the oldest end, and never starts
 * the kept history with an assistant reply whose question was dropped.
 */
export function fitToBudget<T extends { id?: string; role: string; content: string; extraTokens?: number }>(
  messages: T[],
  budget: number,
  reserved = 0,
): Fitted<T> {
  let tokens = reserved;
  let start = messages.length;
  for (let i = messages.length - 1; i >= 0; i--) {
    const cost = messageCost(messages[i]!);
    if (tokens + cost > budget && start < messages.length) break;
    tokens += cost;
    start = i;
  }
  // The newest message always goes, even alone over budget: the upstream then says so clearly.
  while (start > 0 && start < messages.length - 1 && messages[start]!.role === 'assistant') {
    tokens -= messageCost(messages[start]!);
    start++;
  }
  return { kept: messages.slice(start), omitted: start, tokens };
}
