import { apiRoute } from '@/lib/api/route';
import { parseWith, readJson } from '@/lib/api/request';
import { conversationIdSchema, remove, rename, renameSchema, requireConversation } from '@/lib/conversations';
import { appDb } from '@/lib/server';

type Params = { id: string };

/** The conversation with the messages of its active branch. */
export const GET = apiRoute<Params>(async (_request, params) => {
  const id = parseWith(conversationIdSchema, params.id);
  return Response.json(requireConversation(appDb(), id));
});

export const PATCH = apiRoute<Params>(async (request, params) => {
  const id = parseWith(conversationIdSchema, params.id);
  const { title } = await readJson(request, renameSchema, 16_000);
  return Response.json(rename(appDb(), id, title));
});

export const DELETE = apiRoute<Params>(async (_request, params) => {
  const id = parseWith(conversationIdSchema, params.id);
  remove(appDb(), id);
  return new Response(null, { status: 204 });
});
