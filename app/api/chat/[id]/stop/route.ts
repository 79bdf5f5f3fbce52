import { apiRoute } from '@/lib/api/route';
import { parseWith } from '@/lib/api/request';
import { liveReplies } from '@/lib/chat/live-replies';
import { idSchema } from '@/lib/chat/ids';

/**
 * Stops the reply being generated: aborts the upstream call and keeps the text so far (status
 * stopped). Closing the browser is not a stop; only this is.
 */
export const POST = apiRoute<{ id: string }>(async (_request, params) => {
  const id = parseWith(idSchema, params.id);
  return Response.json(await (await liveReplies()).stop(id));
});
