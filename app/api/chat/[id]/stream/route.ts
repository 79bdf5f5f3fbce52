import { apiRoute } from '@/lib/api/route';
import { parseWith } from '@/lib/api/request';
import { liveReplies } from '@/lib/chat/live-replies';
import { idSchema } from '@/lib/chat/ids';
import { uiStreamResponse } from '@/lib/chat/stream-response';

/**
 * Rejoins the reply being generated in a conversation: the whole reply so far, then live.
 * 204 when nothing is being generated (useChat's resume protocol).
 */
export const GET = apiRoute<{ id: string }>(async (_request, params) => {
  const id = parseWith(idSchema, params.id);
  const stream = await (await liveReplies()).subscribe(id);
  if (!stream) return new Response(null, { status: 204 });
  return uiStreamResponse(stream);
});
