import { apiRoute } from '@/lib/api/route';
import { receiveFile } from '@/lib/attachments/upload';
import { guardUnproxiedWrite } from '@/lib/transfer/guard';
import { appDb, getConfig } from '@/lib/server';

/**
 * POST /api/files?name=<file name> — uploads one attachment (the body is the file). Left out of
 * the proxy like /api/import (the proxy would copy the body in memory), so it makes the proxy's
 * checks itself.
 */
export const POST = apiRoute(async (request) => {
  const config = getConfig();
  guardUnproxiedWrite(request, config);
  const result = await receiveFile(await appDb(), request, config);
  return Response.json(result, { status: 201, headers: { 'cache-control': 'no-store' } });
});
