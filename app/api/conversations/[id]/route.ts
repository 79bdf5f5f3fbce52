import { z } from 'zod';
import { apiRoute } from '@/lib/api/route';
import { parseWith, readJson } from '@/lib/api/request';
import { liveReplies } from '@/lib/chat/live-replies';
import { conversationIdSchema, remove, requireConversation, update, updateSchema } from '@/lib/conversations';
import { appDb, getConfig } from '@/lib/server';

type Params = { id: string };

const detailQuery = z.object({ limit: z.coerce.number().int().min(1).max(1_000_000).optional() });

/**
 * The conversation with the messages of its active branch (all of them, or the newest `?limit=`),
 * its settings, usage and context.
 */
export const GET = apiRoute<Params>(async (request, params) => {
  const id = parseWith(conversationIdSchema, params.id);
  const { limit } = parseWith(detailQuery, Object.fromEntries(new URL(request.url).searchParams));
  return Response.json(await requireConversation(await appDb(), getConfig(), id, { pageSize: limit ?? Number.MAX_SAFE_INTEGER }));
});

/** `{ title?, pinned?, settings? }` */
export const PATCH = apiRoute<Params>(async (request, params) => {
  const id = parseWith(conversationIdSchema, params.id);
  const change = await readJson(request, updateSchema, 256_000);
  return Response.json(await update(await appDb(), id, change));
});

export const DELETE = apiRoute<Params>(async (_request, params) => {
  const id = parseWith(conversationIdSchema, params.id);
  await remove(await appDb(), id, await liveReplies());
  return new Response(null, { status: 204 });
});
