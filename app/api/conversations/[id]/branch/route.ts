import { z } from 'zod';
import { apiRoute } from '@/lib/api/route';
import { parseWith, readJson } from '@/lib/api/request';
import { idSchema } from '@/lib/chat/ids';
import { conversationIdSchema, switchBranch } from '@/lib/conversations';
import { appDb, getConfig } from '@/lib/server';

const bodySchema = z.object({ messageId: idSchema });

/** `{ messageId }`: show that version of a message; answers the conversation with its new active path. */
export const POST = apiRoute<{ id: string }>(async (request, params) => {
  const id = parseWith(conversationIdSchema, params.id);
  const { messageId } = await readJson(request, bodySchema, 4_000);
  return Response.json(await switchBranch(await appDb(), getConfig(), id, messageId));
});
