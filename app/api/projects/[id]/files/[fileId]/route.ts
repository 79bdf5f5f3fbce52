import { apiRoute } from '@/lib/api/route';
import { parseWith } from '@/lib/api/request';
import { projectFileIdSchema, projectIdSchema, removeFile } from '@/lib/projects';
import { appDb, getConfig } from '@/lib/server';

type Params = { id: string; fileId: string };

/** Takes a file out of the project (and off the server, unless a message or another project has it); 200 with the project. */
export const DELETE = apiRoute<Params>(async (_request, params) => {
  const id = parseWith(projectIdSchema, params.id);
  const fileId = parseWith(projectFileIdSchema, params.fileId);
  return Response.json(await removeFile(await appDb(), getConfig(), id, fileId));
});
