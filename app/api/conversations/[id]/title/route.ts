import { apiRoute } from '@/lib/api/route';
import { parseWith } from '@/lib/api/request';
import { awaitTitle, conversationIdSchema } from '@/lib/conversations';
import { appDb } from '@/lib/server';

/**
 * `{ title, titleSource }`, after the title the model is writing (following the first reply) is
 * done, or at once when none is being written: the sidebar asks once a new chat's first reply ends.
 */
export const GET = apiRoute<{ id: string }>(async (_request, params) => {
  const id = parseWith(conversationIdSchema, params.id);
  return Response.json(await awaitTitle(await appDb(), id), { headers: { 'cache-control': 'no-store' } });
});
