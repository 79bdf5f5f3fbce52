import { apiRoute } from '@/lib/api/route';
import { parseWith, readJson } from '@/lib/api/request';
import { PROJECT_BODY_BYTES, projectIdSchema, remove, requireProject, update, updateProjectSchema } from '@/lib/projects';
import { appDb, getConfig } from '@/lib/server';

type Params = { id: string };

/** The project: instructions, files (in request order), its newest chats, and its tokens against the budget. */
export const GET = apiRoute<Params>(async (_request, params) => {
  const id = parseWith(projectIdSchema, params.id);
  return Response.json(await requireProject(await appDb(), getConfig(), id));
});

/** `{ name?, instructions? }` */
export const PATCH = apiRoute<Params>(async (request, params) => {
  const id = parseWith(projectIdSchema, params.id);
  const change = await readJson(request, updateProjectSchema, PROJECT_BODY_BYTES);
  return Response.json(await update(await appDb(), getConfig(), id, change));
});

/** Deletes the project and its files; its chats are kept, in no project. */
export const DELETE = apiRoute<Params>(async (_request, params) => {
  const id = parseWith(projectIdSchema, params.id);
  await remove(await appDb(), id);
  return new Response(null, { status: 204 });
});
