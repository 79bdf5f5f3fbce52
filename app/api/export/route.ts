import { apiRoute } from '@/lib/api/route';
import { exportAllFileName, exportAllStream } from '@/lib/transfer/export';
import { appDb } from '@/lib/server';

/** GET /api/export — every conversation, every branch, as one Qwen Chat export file, streamed. */
export const GET = apiRoute(async () => {
  return new Response(exportAllStream(await appDb()), {
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="${exportAllFileName()}"`,
      'cache-control': 'no-store',
    },
  });
});
