import { apiRoute } from '@/lib/api/route';
import { parseWith } from '@/lib/api/request';
import { activeGeneration } from '@/lib/chat/generation';
import { idSchema } from '@/lib/chat/ids';

/**
 * Stops the reply being generated: aborts the upstream call and keeps the text so far (status
 * stopped). Closing the browser is not a stop; only this is.
 */
export const POST = apiRoute<{ id: string }>(async (_request, params) => {
  const id = parseWith(idSchema, params.id);
  const generation = activeGeneration(id);
  if (!generation) return Response.json({ stopped: false });
  generation.stop();
  const outcome = await generation.done;
  return Response.json({ stopped: true, status: outcome.status });
});
