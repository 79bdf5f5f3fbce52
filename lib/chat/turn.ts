import 'server-only';
import type { ModelMessage } from 'ai';
import { z } from 'zod';
import { beginTurn, finishReply, getActivePath, getMessage, saveReplyProgress } from '@/db/messages';
import { getConversation } from '@/db/conversations';
import type { MessageRow } from '@/db/schema';
import type { DB } from '@/db/client';
import type { AppConfig } from '@/lib/config';
import { ApiError } from '@/lib/api/errors';
import { activeGeneration, startGeneration, type Generation } from './generation';
import { idSchema, newId } from './ids';
import { chatModel } from './model';
import { estimateTokens, fitToBudget } from './context-window';
import {
  conversationSettingsSchema,
  effectiveSettings,
  readStoredSettings,
  toCallSettings,
  type ConversationSettings,
} from './settings';
import { titleFromMessage } from './title';

const textPart = z.looseObject({ type: z.string(), text: z.string().optional() });

/**
 * A user message as the AI SDK's useChat sends it (`parts`), or in the simpler shapes a script
 * would write (`text`, or OpenAI-style `content`).
 */
const incomingMessage = z.looseObject({
  id: idSchema.optional(),
  role: z.literal('user').optional(),
  parts: z.array(textPart).max(100).optional(),
  text: z.string().optional(),
  content: z.string().optional(),
});

export const chatRequestSchema = z.object({
  /** The conversation; created on its first message. Omit it to start a new one. */
  id: idSchema.optional(),
  trigger: z.enum(['submit-message', 'regenerate-message']).default('submit-message'),
  message: incomingMessage.optional(),
  /** useChat's default body sends the whole list; only its last user message is new. */
  messages: z.array(incomingMessage.or(z.looseObject({ role: z.string() }))).max(10_000).optional(),
  /** With regenerate-message: the assistant reply to replace with a new version. */
  messageId: idSchema.optional(),
  /**
   * Edit: the new user message goes beside an earlier one, under this parent (the reply it
   * followed; null for the first message). Absent: after the current branch tip.
   */
  parentId: idSchema.nullable().optional(),
  /** Settings for a conversation created by this message (ignored for an existing one). */
  settings: conversationSettingsSchema.optional(),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;

function userText(message: z.infer<typeof incomingMessage>): string {
  if (message.text !== undefined) return message.text;
  if (message.content !== undefined) return message.content;
  return (message.parts ?? []).map((p) => (p.type === 'text' ? (p.text ?? '') : '')).join('');
}

function pickUserMessage(request: ChatRequest): z.infer<typeof incomingMessage> | undefined {
  if (request.message) return request.message;
  const last = request.messages?.at(-1);
  const parsed = incomingMessage.safeParse(last);
  return parsed.success && (last as { role?: string } | undefined)?.role === 'user' ? parsed.data : undefined;
}

export type UpstreamRequest = {
  system: string | undefined;
  messages: ModelMessage[];
  /** Oldest messages left out to fit the context budget. */
  omitted: number;
  /** Estimated prompt size. */
  tokens: number;
};

/**
 * What goes upstream for a conversation's active path: the system prompt (never dropped), then
 * the newest messages that fit the context budget. Empty replies (failed before any text) carry
 * nothing for the model and are skipped.
 */
export function buildUpstreamRequest(
  history: (Pick<MessageRow, 'role' | 'content'> & { id?: string })[],
  settings: ConversationSettings,
  config: Pick<AppConfig, 'CONTEXT_WINDOW_TOKENS' | 'CONTEXT_BUDGET_TOKENS'>,
): UpstreamRequest {
  const system = settings.systemPrompt?.trim() ? settings.systemPrompt : undefined;
  const usable = history.filter((m) => m.content && m.role !== 'system');
  const budget = contextBudget(settings, config);
  const fitted = fitToBudget(usable, budget, system ? estimateTokens(system) : 0);
  return {
    system,
    messages: fitted.kept.map((m) => ({ role: m.role === 'user' ? 'user' : 'assistant', content: m.content }) as ModelMessage),
    omitted: fitted.omitted,
    tokens: fitted.tokens,
  };
}

/** Prompt tokens a request may use: the window (or a configured smaller budget) less room for the reply. */
export function contextBudget(
  settings: ConversationSettings,
  config: Pick<AppConfig, 'CONTEXT_WINDOW_TOKENS' | 'CONTEXT_BUDGET_TOKENS'>,
): number {
  const window = Math.min(config.CONTEXT_WINDOW_TOKENS, config.CONTEXT_BUDGET_TOKENS ?? Infinity);
  return Math.max(100, window - (settings.maxTokens ?? 8_192));
}

export function defaultSettings(config: AppConfig): ConversationSettings {
  return conversationSettingsSchema.parse(
    Object.fromEntries(
      Object.entries({
        systemPrompt: config.DEFAULT_SYSTEM_PROMPT,
        temperature: config.DEFAULT_TEMPERATURE,
        topP: config.DEFAULT_TOP_P,
        maxTokens: config.DEFAULT_MAX_TOKENS,
        presencePenalty: config.DEFAULT_PRESENCE_PENALTY,
        frequencyPenalty: config.DEFAULT_FREQUENCY_PENALTY,
        seed: config.DEFAULT_SEED,
      }).filter(([, v]) => v !== undefined),
    ),
  );
}

export type StartedTurn = {
  conversationId: string;
  created: boolean;
  generation: Generation;
  /** Server time before the upstream call, in ms: storing the message and reading the branch, then fitting it into the prompt. */
  timings: { storeMs: number; promptMs: number };
};

/**
 * Stores the user's message (and a placeholder for the reply) before anything goes upstream,
 * then starts generating. The work before the upstream call is one synchronous SQLite transaction.
 */
export function startTurn(db: DB, config: AppConfig, request: ChatRequest): StartedTurn {
  const conversationId = request.id ?? newId();
  if (activeGeneration(conversationId)) {
    throw new ApiError('conflict', 'A reply is still being written in this conversation. Stop it or wait for it to finish.');
  }
  const now = Date.now();
  const started = performance.now();
  const assistantId = newId();
  let begun: ReturnType<typeof beginTurn>;

  if (request.trigger === 'regenerate-message') {
    const conversation = getConversation(db, conversationId);
    if (!conversation) throw new ApiError('not_found', 'No conversation with that id.');
    const path = getActivePath(db, conversation.currentLeafId);
    // The reply is regenerated from the user message it answered (the latest one by default).
    const target = request.messageId ? path.findIndex((m) => m.id === request.messageId) : path.length - 1;
    const from = path.slice(0, target + 1).findLast((m) => m.role === 'user');
    if (target < 0 || !from) throw new ApiError('not_found', 'No message to regenerate.');
    begun = beginTurn(db, {
      conversationId,
      title: conversation.title,
      user: null,
      regenerateFrom: from.id,
      assistantId,
      model: config.CHAT_MODEL,
      now,
    });
  } else {
    const message = pickUserMessage(request);
    if (!message) throw new ApiError('bad_request', 'message: a user message is required.');
    const text = userText(message);
    if (request.parentId) {
      const parent = getMessage(db, request.parentId);
      if (!parent || parent.conversationId !== conversationId || parent.role !== 'assistant') {
        throw new ApiError('bad_request', 'parentId: not a reply in this conversation.');
      }
    }
    if (!text.trim()) throw new ApiError('bad_request', 'message: the message is empty.');
    if (text.length > config.MAX_MESSAGE_CHARS) {
      throw new ApiError('payload_too_large', `message: longer than the limit of ${config.MAX_MESSAGE_CHARS} characters.`);
    }
    try {
      begun = beginTurn(db, {
        conversationId,
        title: titleFromMessage(text),
        settings: request.settings ?? null,
        user: { id: message.id ?? newId(), content: text, parentId: request.parentId },
        assistantId,
        model: config.CHAT_MODEL,
        now,
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ApiError('conflict', 'A message with that id already exists.');
      throw error;
    }
  }

  const stored = performance.now();
  const settings = effectiveSettings(defaultSettings(config), readStoredSettings(begun.settings));
  const upstream = buildUpstreamRequest(begun.history, settings, config);
  const timings = { storeMs: stored - started, promptMs: performance.now() - stored };
  const generation = startGeneration({
    conversationId,
    messageId: assistantId,
    model: chatModel(config),
    modelName: config.CHAT_MODEL,
    system: upstream.system,
    messages: upstream.messages,
    settings: toCallSettings(settings),
    startMetadata: { contextOmitted: upstream.omitted, contextTokens: upstream.tokens },
    firstTokenTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
    onProgress: (content) => saveReplyProgress(db, assistantId, content, Date.now()),
    onEnd: (outcome) =>
      finishReply(
        db,
        assistantId,
        {
          content: outcome.content,
          status: outcome.status,
          error: outcome.failure?.message,
          usage: outcome.usage,
          contextOmitted: upstream.omitted,
        },
        Date.now(),
      ),
  });
  return { conversationId, created: begun.created, generation, timings };
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
