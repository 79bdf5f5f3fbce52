import { searchMessages } from '@/db/search';
import { apiRoute } from '@/lib/api/route';
import { parseWith } from '@/lib/api/request';
import { searchQuerySchema } from '@/lib/search';
import { appDb } from '@/lib/server';

/**
 * GET /api/search?q=&limit= — finished messages matching q, best first, each with the plain-text
 * snippet and the same snippet as highlight segments (render them as text; never as HTML). A match
 * inside a file attached to a user message is a result for that message with `file` (the name it
 * was attached under) and the snippet from the file's text.
 */
export const GET = apiRoute(async (request) => {
  const url = new URL(request.url);
  const { q, limit } = parseWith(searchQuerySchema, Object.fromEntries(url.searchParams));
  const results = (await searchMessages(await appDb(), q, limit)).map((r) => ({
    conversationId: r.conversationId,
    messageId: r.messageId,
    title: r.title,
    snippet: r.snippet,
    segments: r.segments,
    role: r.role,
    createdAt: r.createdAt,
    ...(r.file !== undefined && { file: r.file }),
  }));
  return Response.json({ results });
});
