import { z } from 'zod';
import { ApiError } from '@/lib/api/errors';
import { parseWith } from '@/lib/api/request';
import { apiRoute } from '@/lib/api/route';
import { conversationIdSchema } from '@/lib/conversations';
import { attachmentHeader, conversationMarkdown, exportConversation, exportConversationJson } from '@/lib/transfer/export';
import { appDb } from '@/lib/server';

type Params = { id: string };

const querySchema = z.object({ format: z.enum(['md', 'json']).default('md') });

/** GET /api/conversations/:id/export?format=md|json — the active branch as Markdown, or every branch as JSON. */
export const GET = apiRoute<Params>(async (request, params) => {
  const id = parseWith(conversationIdSchema, params.id);
  const { format } = parseWith(querySchema, Object.fromEntries(new URL(request.url).searchParams));
  const conversation = await exportConversation(await appDb(), id);
  if (!conversation) throw new ApiError('not_found', 'No conversation with that id.');
  const markdown = format === 'md';
  return new Response(markdown ? conversationMarkdown(conversation) : exportConversationJson(conversation), {
    headers: {
      'content-type': markdown ? 'text/markdown; charset=utf-8' : 'application/json; charset=utf-8',
      'content-disposition': attachmentHeader(conversation.title, format),
      'cache-control': 'no-store',
    },
  });
});
