/**
 * The OpenAI chat-completions wire format: JSON shapes, error bodies and SSE
 * framing. Everything the stand-in puts on the wire is built here, so fidelity
 * to the real protocol is checked in one place.
 */
import type { FinishReason } from './types';
import type { Usage } from './tokens';

/** Identity shared by every chunk of one completion, as in OpenAI's streams. */
export interface CompletionMeta {
  id: string;
  created: number;
  model: string;
}

interface ChunkChoice {
  index: 0;
  delta: { role?: 'assistant'; content?: string };
  finish_reason: FinishReason | null;
}

export interface CompletionChunk extends CompletionMeta {
  object: 'chat.completion.chunk';
  choices: ChunkChoice[];
  usage?: Usage;
}

export interface Completion extends CompletionMeta {
  object: 'chat.completion';
  choices: [
    {
      index: 0;
      finish_reason: FinishReason;
      logprobs: null;
      message: { role: 'assistant'; content: string };
    },
  ];
  usage: Usage;
}

export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

// Fields are spelled out in OpenAI's order (id, object, created, model, …) so raw
// streams read like the real thing when a test or a human diffs them.
function chunk(meta: CompletionMeta, choices: ChunkChoice[]): CompletionChunk {
  return { id: meta.id, object: 'chat.completion.chunk', created: meta.created, model: meta.model, choices };
}

export function roleChunk(meta: CompletionMeta): CompletionChunk {
  return chunk(meta, [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
}

export function contentChunk(meta: CompletionMeta, content: string): CompletionChunk {
  return chunk(meta, [{ index: 0, delta: { content }, finish_reason: null }]);
}

export function finishChunk(meta: CompletionMeta, finishReason: FinishReason): CompletionChunk {
  return chunk(meta, [{ index: 0, delta: {}, finish_reason: finishReason }]);
}

/** OpenAI sends usage in a trailing chunk with no choices when `stream_options.include_usage` is set. */
export function usageChunk(meta: CompletionMeta, usage: Usage): CompletionChunk {
  return { ...chunk(meta, []), usage };
}

export function completion(
  meta: CompletionMeta,
  content: string,
  finishReason: FinishReason,
  usage: Usage,
): Completion {
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [
      {
        index: 0,
        finish_reason: finishReason,
        logprobs: null,
        message: { role: 'assistant', content },
      },
    ],
    usage,
  };
}

/** One server-sent event. */
export function sseEvent(payload: CompletionChunk | string): string {
  return `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;
}

export const SSE_DONE = sseEvent('[DONE]');

/** What `[[malformed]]` injects: looks like an event, isn't JSON. */
export const SSE_MALFORMED = 'data: {not json\n\n';

export interface ErrorSpec {
  message: string;
  type: string;
  code: string | null;
  param?: string | null;
}

/** Messages modelled on what OpenAI-compatible providers answer, so the app's error mapping is exercised. */
const SCRIPTED_ERRORS: Readonly<Record<number, ErrorSpec>> = {
  400: { message: 'Invalid request.', type: 'invalid_request_error', code: 'invalid_request' },
  401: {
    message: 'Incorrect API key provided. You can find your API key in your dashboard.',
    type: 'invalid_request_error',
    code: 'invalid_api_key',
  },
  402: { message: 'Insufficient balance: please top up your account.', type: 'billing_error', code: 'insufficient_quota' },
  403: { message: 'You are not allowed to access this model.', type: 'permission_error', code: 'forbidden' },
  404: { message: 'The model does not exist or you do not have access to it.', type: 'invalid_request_error', code: 'model_not_found' },
  408: { message: 'Request timed out.', type: 'timeout_error', code: 'timeout' },
  413: { message: 'Request too large: reduce the length of the messages.', type: 'invalid_request_error', code: 'request_too_large' },
  429: { message: 'Rate limit reached for requests. Please try again later.', type: 'rate_limit_error', code: 'rate_limit_exceeded' },
  500: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', code: 'internal_error' },
  502: { message: 'Bad gateway: the upstream model did not answer.', type: 'server_error', code: 'bad_gateway' },
  503: { message: 'The model is currently overloaded. Please try again later.', type: 'server_error', code: 'service_unavailable' },
  504: { message: 'Gateway timeout: the upstream model took too long to answer.', type: 'server_error', code: 'gateway_timeout' },
};

export function scriptedError(status: number): ErrorSpec {
  return (
    SCRIPTED_ERRORS[status] ?? {
      message: `Stand-in scripted error ${status}.`,
      type: status >= 500 ? 'server_error' : 'invalid_request_error',
      code: null,
    }
  );
}

export function errorResponse(status: number, spec: ErrorSpec, headers: Record<string, string> = {}): Response {
  const body: ErrorBody = {
    error: { message: spec.message, type: spec.type, param: spec.param ?? null, code: spec.code },
  };
  return Response.json(body, { status, headers });
}
