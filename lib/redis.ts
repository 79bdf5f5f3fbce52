import 'server-only';
import { createClient } from '@redis/client';

/**
 * The process's connection to Redis (REDIS_URL), shared by everything that coordinates instances:
 * live replies (lib/chat/redis-live.ts) and rate limits (lib/security/shared-rate-limit.ts).
 * Code that blocks a connection (XREAD BLOCK, SUBSCRIBE) takes a `duplicate()` of its own.
 */
const newClient = (url: string) => createClient({ url });
export type Redis = ReturnType<typeof newClient>;

const holder = globalThis as unknown as { __redis?: { url: string; client: Promise<Redis> } };

export function redisClient(url: string): Promise<Redis> {
  if (holder.__redis?.url !== url) {
    const client = (async () => {
      const redis = newClient(url);
      // It reconnects by itself; commands issued meanwhile fail and their requests say so.
      redis.on('error', (error: Error) => console.warn(`[redis] ${error.message}`));
      await redis.connect();
      return redis;
    })();
    holder.__redis = { url, client };
    client.catch(() => {
      if (holder.__redis?.client === client) holder.__redis = undefined;
    });
  }
  return holder.__redis.client;
}
