import { getConversation } from '@/db/conversations';
import { apiRoute } from '@/lib/api/route';
import { parseWith } from '@/lib/api/request';
import { activeGeneration } from '@/lib/chat/generation';
import { idSchema } from '@/lib/chat/ids';
import { appDb } from '@/lib/server';

/**
 * What other tabs need to notice a change they did not make: whether a reply is being written
 * (and which), and the tip of the active branch. Cheap enough to poll: one primary-key read.
 */
export const GET = apiRoute<{ id: string }>(async (_request, params) => {
  const id = parseWith(idSchema, params.id);
  const generation = activeGeneration(id);
  const leafId = getConversation(appDb(), id)?.currentLeafId ?? null;
  return Response.json({ generating: generation !== undefined, messageId: generation?.messageId ?? null, leafId });
});
