import 'server-only';
import type { ModelMessage } from 'ai';
import { z } from 'zod';
import { beginTurn, finishReply, getActivePath, saveReplyProgress } from '@/db/messages';
import { getConversation } from '@/db/conversations';
import type { MessageRow } from '@/db/schema';
import type { DB } from '@/db/client';
import type { AppConfig } from '@/lib/config';
import { ApiError } from '@/lib/api/errors';
import { activeGeneration, startGeneration, type Generation } from './generation';
import { idSchema, newId } from './ids';
import { chatModel } from './model';
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

export function toModelMessages(history: MessageRow[]): ModelMessage[] {
  const out: ModelMessage[] = [];
  for (const m of history) {
    // Empty replies (failed before any text) carry nothing for the model.
    if (!m.content) continue;
    if (m.role === 'user') out.push({ role: 'user', content: m.content });
    else if (m.role === 'assistant') out.push({ role: 'assistant', content: m.content });
    else out.push({ role: 'system', content: m.content });
  }
  return out;
}

export type StartedTurn = { conversationId: string; created: boolean; generation: Generation };

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
    if (!text.trim()) throw new ApiError('bad_request', 'message: the message is empty.');
    if (text.length > config.MAX_MESSAGE_CHARS) {
      throw new ApiError('payload_too_large', `message: longer than the limit of ${config.MAX_MESSAGE_CHARS} characters.`);
    }
    try {
      begun = beginTurn(db, {
        conversationId,
        title: titleFromMessage(text),
        user: { id: message.id ?? newId(), content: text },
        assistantId,
        model: config.CHAT_MODEL,
        now,
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ApiError('conflict', 'A message with that id already exists.');
      throw error;
    }
  }

  const generation = startGeneration({
    conversationId,
    messageId: assistantId,
    model: chatModel(config),
    modelName: config.CHAT_MODEL,
    messages: toModelMessages(begun.history),
    firstTokenTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
    onProgress: (content) => saveReplyProgress(db, assistantId, content, Date.now()),
    onEnd: (outcome) =>
      finishReply(
        db,
        assistantId,
        { content: outcome.content, status: outcome.status, error: outcome.failure?.message, usage: outcome.usage },
        Date.now(),
      ),
  });
  return { conversationId, created: begun.created, generation };
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
