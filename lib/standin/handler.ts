/**
 * The stand-in model as a Web-standard `(Request) => Promise<Response>` handler:
 * usable in-process (tests, a Next.js route) or behind the node:http bridge in
 * `server.ts`. It answers like an OpenAI-compatible provider serving qwen-turbo.
 * Only Web APIs are used here (no node: imports), so it runs in any JS runtime.
 */
import { parseDocuments } from '../attachments/document-block';
import { type Directives, parseDirectives } from './directives';
import { splitIntoPieces } from './pieces';
import { cannedReply, loremTokens } from './replies';
import { parseChatRequest, type ChatRequest } from './request';
import { createCompletionStream } from './stream';
import { computeUsage } from './tokens';
import type { ChatMessage, FinishReason, StandinHandler, StandinHandlerOptions, StandinRequestInfo } from './types';
import { type CompletionMeta, completion, errorResponse, scriptedError } from './wire';

const DEFAULT_MODEL = 'qwen-turbo';

/** Not an HTTP status anyone receives: nginx's "client closed request", used in the report only. */
const CLIENT_CLOSED = 499;

/** Resolves true after `ms`, or false as soon as `signal` aborts (clearing the timer). */
function waitUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

type AuthResult = 'ok' | 'missing' | 'invalid';

function checkAuth(request: Request): AuthResult {
  const match = /^Bearer\s+(.*)$/i.exec(request.headers.get('authorization') ?? '');
  const key = match?.[1]?.trim() ?? '';
  if (key === '') return 'missing';
  // A fixed "wrong key" lets tests reach the provider's 401 path deliberately.
  return key === 'invalid' ? 'invalid' : 'ok';
}

function authError(result: Exclude<AuthResult, 'ok'>): Response {
  if (result === 'invalid') return errorResponse(401, scriptedError(401));
  return errorResponse(401, {
    message:
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    type: 'invalid_request_error',
    code: null,
  });
}

function lastUserText(request: ChatRequest | undefined): string {
  const messages = request?.messages ?? [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role === 'user') return message.content;
  }
  return '';
}

/** The reply as content pieces, truncated to `max_tokens` (one piece counts as one token). */
function planReply(request: ChatRequest, directives: Directives): { pieces: string[]; finishReason: FinishReason } {
  const pieces =
    directives.reply !== undefined
      ? splitIntoPieces(directives.reply)
      : directives.tokens !== undefined
        ? loremTokens(directives.tokens)
        : splitIntoPieces(cannedReply(request.messages));
  if (request.maxTokens !== undefined && pieces.length > request.maxTokens) {
    return { pieces: pieces.slice(0, request.maxTokens), finishReason: 'length' };
  }
  return { pieces, finishReason: 'stop' };
}

/** A JSON body whose connection "drops" right after the headers. */
function severedBody(): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.error(new Error('stand-in: connection cut before the body'));
    },
  });
}

/** How the app asks for a conversation's title (lib/chat/auto-title.ts TITLE_INSTRUCTION starts so). */
export const TITLE_REQUEST_START = 'You write titles for chat conversations.';

function isTitleRequest(messages: readonly ChatMessage[]): boolean {
  return messages[0]?.role === 'system' && messages[0].content.startsWith(TITLE_REQUEST_START);
}

/**
 * The stand-in's title: the first message's first six words in Title Case (documents and
 * directives left out), or a 500 when the first message says `[[title-fail]]`.
 */
function titleDirectives(messages: readonly ChatMessage[]): Directives {
  const first = messages.find((m) => m.role === 'user')?.content ?? '';
  if (first.includes('[[title-fail]]')) return { status: 500 };
  const words = parseDirectives(parseDocuments(first).rest).text.split(/\s+/).filter(Boolean).slice(0, 6);
  const title = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ') || 'New Conversation';
  return { reply: title };
}

/** The models GET /v1/models lists besides the default one. */
const LISTED_MODELS = ['qwen-turbo', 'qwen-plus', 'qwen-max', 'qwen-long'];

export function createStandinHandler(options: StandinHandlerOptions = {}): StandinHandler {
  const defaultDelayMs = options.defaultDelayMs ?? 0;
  const defaultModel = options.model ?? DEFAULT_MODEL;

  // Messages whose [[once]] failure has already been served (bounded: oldest forgotten first).
  const failedOnce = new Set<string>();
  function applyOnce(directives: Directives, text: string): Directives {
    if (!failedOnce.has(text)) {
      failedOnce.add(text);
      if (failedOnce.size > 10_000) failedOnce.delete(failedOnce.values().next().value as string);
      return directives;
    }
    const { status: _s, cutAfter: _c, malformedAfter: _m, ttfbMs: _t, retryAfterSeconds: _r, ...rest } = directives;
    return rest;
  }

  function report(info: StandinRequestInfo): void {
    try {
      options.onRequest?.(info);
    } catch {
      // A test's observer must not be able to break the wire protocol.
    }
  }

  async function chatCompletions(request: Request): Promise<Response> {
    const startedAt = Date.now();
    const id = `chatcmpl-${crypto.randomUUID().replaceAll('-', '')}`;
    let parsed: ChatRequest | undefined;
    let directives: Directives = {};

    const end = (fields: Pick<StandinRequestInfo, 'status' | 'outcome'> & Partial<StandinRequestInfo>): void =>
      report({
        id,
        model: parsed?.model ?? defaultModel,
        messageCount: parsed?.messages.length ?? 0,
        roles: parsed?.messages.map((m) => m.role) ?? [],
        system: parsed?.messages.find((m) => m.role === 'system')?.content ?? null,
        params: parsed?.params ?? {},
        lastUserText: lastUserText(parsed),
        directives,
        stream: parsed?.stream ?? false,
        aborted: fields.outcome === 'aborted',
        chunksSent: 0,
        finishReason: null,
        startedAt,
        endedAt: Date.now(),
        ...fields,
      });

    let rawBody: string;
    try {
      rawBody = await request.text();
    } catch {
      end({ status: CLIENT_CLOSED, outcome: 'aborted' });
      return errorResponse(400, { message: 'Could not read the request body.', type: 'invalid_request_error', code: null });
    }
    // Parse before checking the key so even a rejected request shows what was sent.
    const result = parseChatRequest(rawBody);
    if (result.ok) {
      parsed = result.request;
      directives = parseDirectives(lastUserText(parsed)).directives;
      if (directives.once) directives = applyOnce(directives, lastUserText(parsed));
      // A title request carries the first exchange: its directives were for the reply, not this.
      if (isTitleRequest(parsed.messages)) directives = titleDirectives(parsed.messages);
    }

    const auth = checkAuth(request);
    if (auth !== 'ok') {
      end({ status: 401, outcome: 'error' });
      return authError(auth);
    }
    if (!result.ok) {
      end({ status: 400, outcome: 'error' });
      return errorResponse(400, result.error);
    }
    const chat = result.request;

    if (!(await waitUnlessAborted(directives.ttfbMs ?? 0, request.signal))) {
      end({ status: CLIENT_CLOSED, outcome: 'aborted' });
      return errorResponse(CLIENT_CLOSED, { message: 'Client closed the request.', type: 'client_closed', code: null });
    }

    if (directives.status !== undefined) {
      const headers: Record<string, string> =
        directives.retryAfterSeconds !== undefined ? { 'retry-after': String(directives.retryAfterSeconds) } : {};
      end({ status: directives.status, outcome: 'error' });
      return errorResponse(directives.status, scriptedError(directives.status), headers);
    }

    const meta: CompletionMeta = { id, created: Math.floor(Date.now() / 1000), model: chat.model ?? defaultModel };
    const { pieces, finishReason } = planReply(chat, directives);
    const commonHeaders = { 'x-request-id': id };

    if (chat.stream) {
      const body = createCompletionStream(
        {
          meta,
          pieces,
          finishReason,
          delayMs: directives.delayMs ?? defaultDelayMs,
          gate: directives.gate,
          cutAfter: directives.cutAfter,
          malformedAfter: directives.malformedAfter,
          usage: chat.includeUsage ? computeUsage(chat.messages, pieces.length) : undefined,
          signal: request.signal,
        },
        ({ outcome, chunksSent }) =>
          end({
            status: 200,
            outcome,
            chunksSent,
            finishReason: outcome === 'completed' ? finishReason : null,
          }),
      );
      return new Response(body, {
        status: 200,
        headers: {
          ...commonHeaders,
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          // Tells nginx-style proxies not to buffer the stream.
          'x-accel-buffering': 'no',
        },
      });
    }

    // Non-streaming answers arrive all at once, so `[[delay]]` doesn't apply; `[[ttfb]]` does.
    if (directives.cutAfter !== undefined) {
      end({ status: 200, outcome: 'cut' });
      return new Response(severedBody(), { status: 200, headers: { ...commonHeaders, 'content-type': 'application/json' } });
    }
    if (directives.malformedAfter !== undefined) {
      end({ status: 200, outcome: 'malformed' });
      return new Response('{not json', { status: 200, headers: { ...commonHeaders, 'content-type': 'application/json' } });
    }
    end({ status: 200, outcome: 'completed', chunksSent: pieces.length, finishReason });
    return Response.json(completion(meta, pieces.join(''), finishReason, computeUsage(chat.messages, pieces.length)), {
      headers: commonHeaders,
    });
  }

  return async function handleStandinRequest(request: Request): Promise<Response> {
    const url = new URL(request.url);
    // Any prefix works (`/v1/...`, `/api/standin/v1/...`), like a base URL would add.
    const path = url.pathname.replace(/\/+$/, '');

    if (request.method === 'POST' && path.endsWith('/chat/completions')) return chatCompletions(request);

    if (request.method === 'GET' && path.endsWith('/models')) {
      const auth = checkAuth(request);
      if (auth !== 'ok') return authError(auth);
      return Response.json({
        object: 'list',
        // Any name is answered; these are what a model picker should offer.
        data: [...new Set([defaultModel, ...LISTED_MODELS])].map((id) => ({ id, object: 'model', type: 'chat-completion', created: 0, owned_by: 'standin' })),
      });
    }

    return errorResponse(404, {
      message: `Invalid URL (${request.method} ${url.pathname})`,
      type: 'invalid_request_error',
      code: null,
    });
  };
}
