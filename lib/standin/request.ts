/**
 * Validation of a chat-completions request body. Lenient where real providers
 * are lenient (unknown fields, content-part arrays), strict where a wrong shape
 * would hide a bug in the app (messages missing or malformed).
 */
import { z } from 'zod';
import type { ChatMessage } from './types';
import type { ErrorSpec } from './wire';

const contentPart = z.looseObject({ type: z.string(), text: z.string().optional() });

const message = z.looseObject({
  role: z.string(),
  // null is legal for assistant messages that only carry tool calls.
  content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
});

const body = z.looseObject({
  model: z.string().optional(),
  messages: z.array(message).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
});

export interface ChatRequest {
  model: string | undefined;
  messages: ChatMessage[];
  stream: boolean;
  includeUsage: boolean;
  maxTokens: number | undefined;
  /** The optional sampling parameters the client set (OpenAI names), for tests to check what was sent. */
  params: Record<string, unknown>;
}

const OPTIONAL_PARAMS = ['temperature', 'top_p', 'max_tokens', 'max_completion_tokens', 'presence_penalty', 'frequency_penalty', 'seed', 'stop'] as const;

export type ParseResult = { ok: true; request: ChatRequest } | { ok: false; error: ErrorSpec };

type ContentInput = z.infer<typeof message>['content'];

/** Text of a message; image and other non-text parts don't count as content here. */
function textOf(content: ContentInput): string {
  if (typeof content === 'string') return content;
  if (!content) return '';
  return content
    .filter((part) => part.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text)
    .join('\n');
}

function invalid(message: string, param: string | null, code: string): ParseResult {
  return { ok: false, error: { message, type: 'invalid_request_error', param, code } };
}

export function parseChatRequest(rawBody: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    return invalid(
      'We could not parse the JSON body of your request. The request body must be valid JSON.',
      null,
      'invalid_json',
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return invalid('The request body must be a JSON object.', null, 'invalid_json');
  }
  if (!('messages' in json)) {
    return invalid("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  }

  const result = body.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const param = issue ? issue.path.map(String).join('.') : null;
    return invalid(`Invalid value for '${param ?? 'body'}': ${issue?.message ?? 'invalid request'}.`, param, 'invalid_value');
  }

  const data = result.data;
  return {
    ok: true,
    request: {
      model: data.model,
      messages: data.messages.map((m) => ({ role: m.role, content: textOf(m.content) })),
      stream: data.stream === true,
      includeUsage: data.stream_options?.include_usage === true,
      maxTokens: data.max_completion_tokens ?? data.max_tokens ?? undefined,
      params: Object.fromEntries(
        OPTIONAL_PARAMS.filter((k) => (json as Record<string, unknown>)[k] !== undefined).map((k) => [k, (json as Record<string, unknown>)[k]]),
      ),
    },
  };
}
