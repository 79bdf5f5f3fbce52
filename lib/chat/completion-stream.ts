import 'server-only';
import { APICallError, JSONParseError, type ModelMessage } from 'ai';
import { createParser } from 'eventsource-parser';

/**
 * The upstream's streaming chat completion, read straight off the wire.
 *
 * Why not `streamText`: relaying a reply through it cost ~28 µs of CPU per token (validation of every
 * chunk against a schema, several TransformStreams per chunk, step bookkeeping), ~15× what reading the
 * same bytes costs, and it was most of what one process spends per streamed reply (BENCHMARKS.md,
 * *Relay throughput*). This app asks for one thing (text, then a finish reason and usage) from one
 * wire format, OpenAI's chat-completions SSE, which AI/ML API speaks; so the relay parses that
 * format and nothing else: SSE framing by `eventsource-parser` (the parser the AI SDK itself uses),
 * one `JSON.parse` per event, the text of one network read yielded as one part. Errors are the AI
 * SDK's own classes (APICallError, JSONParseError), so `describeUpstreamError` reads them as before.
 * Titles (one small non-streaming call) still go through the AI SDK: there the cost does not matter.
 */

/** Where completions are requested: AI/ML API, or, in the demo, the in-process stand-in. */
export type UpstreamEndpoint = {
  baseURL: string;
  apiKey: string;
  /** Replaces the global fetch (the demo model's in-process handler; tests). */
  fetch?: typeof fetch;
};

export type CompletionSettings = {
  temperature?: number;
  topP?: number;
  maxOutputTokens?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  seed?: number;
};

export type CompletionRequest = {
  model: string;
  system?: string;
  messages: ModelMessage[];
  settings?: CompletionSettings;
};

export type CompletionUsage = { promptTokens?: number; completionTokens?: number; cachedTokens?: number };

/** As the AI SDK names them, so stored replies and the client read the same values as before. */
export type CompletionFinishReason = 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'error' | 'other';

export type CompletionPart =
  | { type: 'text'; text: string }
  | { type: 'finish'; finishReason: CompletionFinishReason; usage?: CompletionUsage };

/** An error the upstream reported inside a stream that had started well (an `error` event). */
export class UpstreamStreamError extends Error {
  override name = 'UpstreamStreamError';
}

/** Raised when the body ends with neither a finish reason nor `[DONE]`: the reply was cut off. */
export class UpstreamCutOffError extends Error {
  override name = 'UpstreamCutOffError';
  constructor() {
    super('terminated: the stream ended before the reply was finished');
  }
}

export function completionBody(request: CompletionRequest): Record<string, unknown> {
  const s = request.settings ?? {};
  const messages: { role: string; content: string }[] = [];
  if (request.system) messages.push({ role: 'system', content: request.system });
  for (const m of request.messages) messages.push({ role: m.role, content: textOf(m) });
  return {
    model: request.model,
    messages,
    stream: true,
    // Usage (with prompt_tokens_details.cached_tokens) comes in a last chunk only when asked for.
    stream_options: { include_usage: true },
    temperature: s.temperature,
    top_p: s.topP,
    max_tokens: s.maxOutputTokens,
    presence_penalty: s.presencePenalty,
    frequency_penalty: s.frequencyPenalty,
    seed: s.seed,
  };
}

function textOf(message: ModelMessage): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

type WireChunk = {
  choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } | null } | null;
  error?: { message?: string } | string;
};

export async function* streamCompletion(
  endpoint: UpstreamEndpoint,
  request: CompletionRequest,
  signal: AbortSignal,
): AsyncGenerator<CompletionPart> {
  const url = `${endpoint.baseURL.replace(/\/+$/, '')}/chat/completions`;
  const body = completionBody(request);
  const response = await (endpoint.fetch ?? fetch)(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${endpoint.apiKey}`, 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(body),
    signal,
  });
  if (!response.ok || !response.body) {
    const responseBody = await response.text().catch(() => '');
    const status = response.status;
    throw new APICallError({
      message: upstreamMessage(responseBody) ?? `HTTP ${status}`,
      url,
      requestBodyValues: { model: request.model },
      statusCode: status,
      responseHeaders: Object.fromEntries(response.headers),
      responseBody,
      isRetryable: status === 408 || status === 409 || status === 429 || status >= 500,
    });
  }

  let text = '';
  let finishReason: CompletionFinishReason | undefined;
  let usage: CompletionUsage | undefined;
  let done = false;
  let failure: Error | undefined;
  const parser = createParser({
    onEvent(event) {
      if (done || failure) return;
      if (event.data === '[DONE]') {
        done = true;
        return;
      }
      let chunk: WireChunk;
      try {
        chunk = JSON.parse(event.data) as WireChunk;
      } catch (cause) {
        failure = new JSONParseError({ text: event.data, cause });
        return;
      }
      if (chunk === null || typeof chunk !== 'object') {
        failure = new JSONParseError({ text: event.data, cause: new Error('not an object') });
        return;
      }
      if (chunk.error) {
        failure = new UpstreamStreamError(typeof chunk.error === 'string' ? chunk.error : (chunk.error.message ?? 'upstream error'));
        return;
      }
      const choice = chunk.choices?.[0];
      const delta = choice?.delta?.content;
      if (typeof delta === 'string') text += delta;
      if (choice?.finish_reason) finishReason = mapFinishReason(choice.finish_reason);
      if (chunk.usage) {
        usage = {
          promptTokens: chunk.usage.prompt_tokens,
          completionTokens: chunk.usage.completion_tokens,
          cachedTokens: chunk.usage.prompt_tokens_details?.cached_tokens,
        };
      }
    },
  });

  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      parser.feed(decoder.decode(value, { stream: true }));
      // The text that came before a bad event in the same read still counts: it reached us intact.
      if (text) {
        yield { type: 'text', text };
        text = '';
      }
      if (failure) throw failure;
      if (done) break;
    }
    // A last event the body ended without a blank line after still counts.
    if (!done && !failure) {
      parser.feed(decoder.decode() + '\n\n');
      if (text) {
        yield { type: 'text', text };
        text = '';
      }
      if (failure) throw failure;
    }
  } finally {
    // Stop reading (and release the socket) however this ends: finished, failed, or abandoned by the caller.
    void reader.cancel().catch(() => undefined);
  }
  if (!done && finishReason === undefined) throw new UpstreamCutOffError();
  yield { type: 'finish', finishReason: finishReason ?? 'other', usage };
}

function mapFinishReason(reason: string): CompletionFinishReason {
  switch (reason) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'content_filter':
      return 'content-filter';
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls';
    default:
      return 'other';
  }
}

/** The message of an OpenAI-style error body, if that is what it is. */
function upstreamMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } };
    return typeof parsed.error?.message === 'string' ? parsed.error.message : undefined;
  } catch {
    return undefined;
  }
}
