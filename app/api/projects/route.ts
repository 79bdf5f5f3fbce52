import { apiRoute } from '@/lib/api/route';
import { readJson } from '@/lib/api/request';
import { create, createProjectSchema, listAll, PROJECT_BODY_BYTES } from '@/lib/projects';
import { appDb, getConfig } from '@/lib/server';

/** GET /api/projects — every project, most recently changed first, with its number of chats. */
export const GET = apiRoute(async () => Response.json({ projects: await listAll(await appDb()) }));

/** POST /api/projects `{ name, instructions? }` → 201 with the project. */
export const POST = apiRoute(async (request) => {
  const input = await readJson(request, createProjectSchema, PROJECT_BODY_BYTES);
  return Response.json(await create(await appDb(), getConfig(), input), { status: 201 });
});
