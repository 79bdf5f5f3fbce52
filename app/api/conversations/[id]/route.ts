import { apiRoute } from '@/lib/api/route';
import { parseWith, readJson } from '@/lib/api/request';
import { conversationIdSchema, remove, requireConversation, update, updateSchema } from '@/lib/conversations';
import { appDb, getConfig } from '@/lib/server';

type Params = { id: string };

/** The conversation with the messages of its active branch, its settings, usage and context. */
export const GET = apiRoute<Params>(async (_request, params) => {
  const id = parseWith(conversationIdSchema, params.id);
  return Response.json(requireConversation(appDb(), getConfig(), id));
});

/** `{ title?, pinned?, settings? }` */
export const PATCH = apiRoute<Params>(async (request, params) => {
  const id = parseWith(conversationIdSchema, params.id);
  const change = await readJson(request, updateSchema, 256_000);
  return Response.json(update(appDb(), id, change));
});

export const DELETE = apiRoute<Params>(async (_request, params) => {
  const id = parseWith(conversationIdSchema, params.id);
  remove(appDb(), id);
  return new Response(null, { status: 204 });
});
