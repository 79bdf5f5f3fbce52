import { apiRoute } from '@/lib/api/route';
import { parseWith } from '@/lib/api/request';
import { conversationIdSchema, loadOlderMessages, olderQuerySchema } from '@/lib/conversations';
import { appDb } from '@/lib/server';

/** GET ?before=<message id>&limit= — the older messages of the active branch, for scrolling up. */
export const GET = apiRoute<{ id: string }>(async (request, params) => {
  const id = parseWith(conversationIdSchema, params.id);
  const query = parseWith(olderQuerySchema, Object.fromEntries(new URL(request.url).searchParams));
  return Response.json(await loadOlderMessages(await appDb(), id, query));
});
