import { apiRoute } from '@/lib/api/route';
import { guardUnproxiedWrite } from '@/lib/transfer/guard';
import { importRequest } from '@/lib/transfer/import';
import { appDb, getConfig } from '@/lib/server';

/**
 * POST /api/import — a ChatGPT export (conversations.json, its split parts, or the .zip) or a Qwen
 * Chat export, as multipart `file` field(s) or as the body. Streamed: bounded memory at any size
 * up to MAX_IMPORT_BYTES. The proxy does not run on this path (see proxy.ts), so the route makes
 * the proxy's checks itself.
 */
export const POST = apiRoute(async (request) => {
  const config = getConfig();
  guardUnproxiedWrite(request, config);
  const report = await importRequest(await appDb(), request, { maxBytes: config.MAX_IMPORT_BYTES });
  return Response.json(report, { headers: { 'cache-control': 'no-store' } });
});
