import 'server-only';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';
import type { AppConfig } from '@/lib/config';
import { createStandinHandler } from '@/lib/standin';

/** Where the demo model pretends to live; requests to it never leave the process. */
const DEMO_BASE_URL = 'http://demo-model.invalid/v1';

let cached: { key: string; provider: ReturnType<typeof createOpenAICompatible> } | undefined;
const models = new Map<string, LanguageModel>();

/**
 * The chat model: qwen-turbo through AI/ML API's OpenAI-compatible endpoint, or, without an API
 * key, the built-in stand-in. Both go through the same provider code; the demo only swaps the
 * provider's fetch for an in-process handler that speaks the same wire protocol. A conversation may
 * choose another model of the same upstream (the model picker).
 */
export function chatModel(config: AppConfig, modelName: string = config.CHAT_MODEL): LanguageModel {
  const key = `${config.demo}|${config.AIMLAPI_BASE_URL}|${config.CHAT_MODEL}`;
  if (cached?.key !== key) {
    const standin = config.demo ? createStandinHandler({ defaultDelayMs: 12, model: config.CHAT_MODEL }) : undefined;
    const provider = createOpenAICompatible({
      name: 'aimlapi',
      baseURL: standin ? DEMO_BASE_URL : config.AIMLAPI_BASE_URL,
      apiKey: config.AIMLAPI_API_KEY ?? 'demo',
      // Ask for usage in the final stream chunk (tokens and prompt_tokens_details.cached_tokens).
      includeUsage: true,
      fetch: standin ? (input, init) => standin(new Request(input, init)) : undefined,
    });
    cached = { key, provider };
    models.clear();
  }
  let model = models.get(modelName);
  if (!model) {
    model = cached.provider.chatModel(modelName);
    models.set(modelName, model);
  }
  return model;
}
