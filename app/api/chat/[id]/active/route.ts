import { getConversation } from '@/db/conversations';
import { apiRoute } from '@/lib/api/route';
import { parseWith } from '@/lib/api/request';
import { liveReplies } from '@/lib/chat/live-replies';
import { idSchema } from '@/lib/chat/ids';
import { appDb } from '@/lib/server';

/**
 * What other tabs need to notice a change they did not make: whether a reply is being written
 * (and which), and the tip of the active branch. Cheap enough to poll: one primary-key read.
 */
export const GET = apiRoute<{ id: string }>(async (_request, params) => {
  const id = parseWith(idSchema, params.id);
  const reply = await (await liveReplies()).active(id);
  const leafId = (await getConversation(await appDb(), id))?.currentLeafId ?? null;
  return Response.json({ generating: reply !== undefined, messageId: reply?.messageId ?? null, leafId });
});
