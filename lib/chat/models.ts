import 'server-only';
import { z } from 'zod';
import type { AppConfig } from '@/lib/config';
import { pricesOf } from '@/lib/conversations';
import type { Prices } from '@/lib/cost';
import { KNOWN_MODEL_PRICES, knownPrices } from './model-prices';

export type ModelOption = { id: string; prices?: Prices };
export type ModelList = { models: ModelOption[]; defaultModel: string; source: 'upstream' | 'fallback' };

/** How long the upstream's list is trusted, and how long a failure is before asking again. */
const FRESH_MS = 10 * 60_000;
const RETRY_AFTER_FAILURE_MS = 60_000;
const TIMEOUT_MS = 5_000;

/** OpenAI's shape; AI/ML API adds a `type` per model (chat-completion, image, …). */
const upstreamList = z.object({
  data: z.array(z.looseObject({ id: z.string().min(1).max(200), type: z.string().optional() })).max(10_000),
});

let cache: { key: string; list: ModelList; until: number } | undefined;
let pending: Promise<ModelList> | undefined;

/**
 * The models the upstream offers (GET {AIMLAPI_BASE_URL}/models), for the model picker: chat
 * models only, CHAT_MODEL first and always present. Cached for ten minutes; when the call fails
 * (no network, a 5xx, a body that is not a list) a fallback of the Qwen models we know is used, and
 * asked again a minute later.
 */
export async function listModels(config: AppConfig, fetchImpl: typeof fetch = fetch, now = Date.now()): Promise<ModelList> {
  const key = `${config.demo}|${config.AIMLAPI_BASE_URL}|${config.CHAT_MODEL}`;
  if (cache?.key === key && cache.until > now) return cache.list;
  pending ??= fetchModels(config, fetchImpl)
    .then((ids) => {
      const list = withPrices(config, ids, 'upstream');
      cache = { key, list, until: now + FRESH_MS };
      return list;
    })
    .catch(() => {
      const list = withPrices(config, Object.keys(KNOWN_MODEL_PRICES), 'fallback');
      cache = { key, list, until: now + RETRY_AFTER_FAILURE_MS };
      return list;
    })
    .finally(() => {
      pending = undefined;
    });
  return pending;
}

/** Forgets the cached list (tests). */
export function resetModelCache(): void {
  cache = undefined;
  pending = undefined;
}

async function fetchModels(config: AppConfig, fetchImpl: typeof fetch): Promise<string[]> {
  if (config.demo) {
    // The demo model answers to any name; offer the ones a user would try.
    return Object.keys(KNOWN_MODEL_PRICES);
  }
  const res = await fetchImpl(`${config.AIMLAPI_BASE_URL}/models`, {
    headers: { authorization: `Bearer ${config.AIMLAPI_API_KEY}` },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!res.ok) throw new Error(`models: HTTP ${res.status}`);
  const parsed = upstreamList.parse(await res.json());
  const chat = parsed.data.filter((m) => !m.type || /chat/i.test(m.type)).map((m) => m.id);
  if (chat.length === 0) throw new Error('models: no chat model listed');
  return chat;
}

function withPrices(config: AppConfig, ids: string[], source: ModelList['source']): ModelList {
  const configured = pricesOf(config);
  const unique = [config.CHAT_MODEL, ...ids.filter((id) => id !== config.CHAT_MODEL)];
  const models = [...new Set(unique)].map((id) => {
    const prices = knownPrices(id, config.CHAT_MODEL, configured);
    return prices ? { id, prices } : { id };
  });
  return { models, defaultModel: config.CHAT_MODEL, source };
}

/** Prices to count a reply of `model` at: its own where known, else the default model's. */
export function pricesForModel(config: AppConfig, model: string | null | undefined): Prices {
  const configured = pricesOf(config);
  return (model && knownPrices(model, config.CHAT_MODEL, configured)) || configured;
}
