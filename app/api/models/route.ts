import { apiRoute } from '@/lib/api/route';
import { listModels } from '@/lib/chat/models';
import { getConfig } from '@/lib/server';

/** GET /api/models — the models to choose from (cached; a fallback list when the upstream's cannot be had). */
export const GET = apiRoute(async () => Response.json(await listModels(getConfig()), { headers: { 'cache-control': 'no-store' } }));
