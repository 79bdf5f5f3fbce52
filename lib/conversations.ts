import 'server-only';
import { z } from 'zod';
import {
  deleteConversation,
  getConversation,
  listConversations,
  renameConversation,
  type ConversationSummary,
  type PageCursor,
} from '@/db/conversations';
import { getActivePath } from '@/db/messages';
import type { DB } from '@/db/client';
import { ApiError } from '@/lib/api/errors';
import { activeGeneration } from '@/lib/chat/generation';
import { idSchema } from '@/lib/chat/ids';
import { toUIMessage, type ChatUIMessage } from '@/lib/chat/ui-message';

export const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export const renameSchema = z.object({
  title: z
    .string()
    .transform((t) => t.replace(/\s+/g, ' ').trim())
    .pipe(z.string().min(1, 'title must not be empty').max(200, 'title must be at most 200 characters')),
});

export { idSchema as conversationIdSchema };

export function encodeCursor(c: PageCursor): string {
  return Buffer.from(`${c.updatedAt}:${c.id}`).toString('base64url');
}

export function decodeCursor(raw: string): PageCursor {
  const text = Buffer.from(raw, 'base64url').toString('utf8');
  const match = /^(\d{1,16}):([A-Za-z0-9_-]{1,64})$/.exec(text);
  if (!match) throw new ApiError('bad_request', 'cursor: not a cursor this server issued.');
  return { updatedAt: Number(match[1]), id: match[2]! };
}

export type ConversationPage = { conversations: ConversationSummary[]; nextCursor: string | null };

export function listPage(db: DB, query: z.infer<typeof listQuerySchema>): ConversationPage {
  const page = listConversations(db, { limit: query.limit, after: query.cursor ? decodeCursor(query.cursor) : undefined });
  return { conversations: page.conversations, nextCursor: page.next ? encodeCursor(page.next) : null };
}

export type ConversationDetail = ConversationSummary & { messages: ChatUIMessage[]; generating: boolean };

export function loadConversation(db: DB, id: string): ConversationDetail | undefined {
  const conversation = getConversation(db, id);
  if (!conversation) return undefined;
  const messages = getActivePath(db, conversation.currentLeafId).map(toUIMessage);
  return {
    id: conversation.id,
    title: conversation.title,
    createdAt: conversation.createdAt,
    updatedAt: conversation.updatedAt,
    messages,
    generating: activeGeneration(id) !== undefined,
  };
}

export function requireConversation(db: DB, id: string): ConversationDetail {
  const found = loadConversation(db, id);
  if (!found) throw new ApiError('not_found', 'No conversation with that id.');
  return found;
}

export function rename(db: DB, id: string, title: string): ConversationSummary {
  const row = renameConversation(db, id, title);
  if (!row) throw new ApiError('not_found', 'No conversation with that id.');
  return { id: row.id, title: row.title, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

export function remove(db: DB, id: string): void {
  // Stop a reply still being written, so it does not try to store itself into a deleted conversation.
  activeGeneration(id)?.stop();
  if (!deleteConversation(db, id)) throw new ApiError('not_found', 'No conversation with that id.');
}
