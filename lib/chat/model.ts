import 'server-only';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';
import type { AppConfig } from '@/lib/config';
import { createStandinHandler } from '@/lib/standin';
import type { UpstreamEndpoint } from './completion-stream';

/** Where the demo model pretends to live; requests to it never leave the process. */
const DEMO_BASE_URL = 'http://demo-model.invalid/v1';

let cached: { key: string; endpoint: UpstreamEndpoint; provider: ReturnType<typeof createOpenAICompatible> } | undefined;
const models = new Map<string, LanguageModel>();

function upstream(config: AppConfig): NonNullable<typeof cached> {
  const key = `${config.demo}|${config.AIMLAPI_BASE_URL}|${config.CHAT_MODEL}`;
  if (cached?.key !== key) {
    const standin = config.demo ? createStandinHandler({ defaultDelayMs: 12, model: config.CHAT_MODEL }) : undefined;
    const endpoint: UpstreamEndpoint = {
      baseURL: standin ? DEMO_BASE_URL : config.AIMLAPI_BASE_URL,
      apiKey: config.AIMLAPI_API_KEY ?? 'demo',
      fetch: standin ? (input, init) => standin(new Request(input, init)) : undefined,
    };
    const provider = createOpenAICompatible({
      name: 'aimlapi',
      baseURL: endpoint.baseURL,
      apiKey: endpoint.apiKey,
      // Ask for usage in the final stream chunk (tokens and prompt_tokens_details.cached_tokens).
      includeUsage: true,
      fetch: endpoint.fetch,
    });
    cached = { key, endpoint, provider };
    models.clear();
  }
  return cached;
}

/**
 * Where replies are streamed from: qwen-turbo through AI/ML API's OpenAI-compatible endpoint, or,
 * without an API key, the built-in stand-in. Both speak the same wire protocol; the demo only swaps
 * fetch for an in-process handler. Replies are relayed by lib/chat/completion-stream.ts.
 */
export function upstreamEndpoint(config: AppConfig): UpstreamEndpoint {
  return upstream(config).endpoint;
}

/**
 * The same upstream as an AI SDK model, for the one-off calls where the SDK's per-chunk cost does not
 * matter (titles). A conversation may choose another model of the same upstream (the model picker).
 */
export function chatModel(config: AppConfig, modelName: string = config.CHAT_MODEL): LanguageModel {
  const { provider } = upstream(config);
  let model = models.get(modelName);
  if (!model) {
    model = provider.chatModel(modelName);
    models.set(modelName, model);
  }
  return model;
}
