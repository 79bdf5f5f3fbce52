import { apiRoute } from '@/lib/api/route';
import { parseWith } from '@/lib/api/request';
import { listPage, listQuerySchema } from '@/lib/conversations';
import { appDb } from '@/lib/server';

/** GET /api/conversations?limit=&cursor= — newest first. */
export const GET = apiRoute(async (request) => {
  const url = new URL(request.url);
  const query = parseWith(listQuerySchema, Object.fromEntries(url.searchParams));
  return Response.json(await listPage(await appDb(), query));
});
