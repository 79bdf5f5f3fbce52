import { apiRoute } from '@/lib/api/route';
import { parseWith, readJson } from '@/lib/api/request';
import { addFile, addProjectFileSchema, projectIdSchema } from '@/lib/projects';
import { appDb, getConfig } from '@/lib/server';

type Params = { id: string };

/**
 * POST /api/projects/:id/files `{ fileId, name }` — adds a file uploaded with POST /api/files at the
 * end of the project's files: 201 with the project (200 when the file was already in it).
 */
export const POST = apiRoute<Params>(async (request, params) => {
  const id = parseWith(projectIdSchema, params.id);
  const input = await readJson(request, addProjectFileSchema, 16_000);
  const { project, added } = await addFile(await appDb(), getConfig(), id, input);
  return Response.json(project, { status: added ? 201 : 200 });
});
