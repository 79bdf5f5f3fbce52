import 'server-only';
import { createClient } from '@redis/client';
import { ApiError } from '@/lib/api/errors';

/**
 * The process's connection to Redis (REDIS_URL), shared by everything that coordinates instances:
 * live replies (lib/chat/redis-live.ts) and rate limits (lib/security/shared-rate-limit.ts).
 * Code that blocks a connection (XREAD BLOCK, SUBSCRIBE) takes a `duplicate()` of its own.
 */
// Commands fail at once while Redis is unreachable (no offline queue), so a request answers 503 instead
// of waiting; the connection itself keeps coming back by itself.
const newClient = (url: string) =>
  createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 3_000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2_000) },
  });
const FIRST_CONNECT_MS = 3_000;
export type Redis = ReturnType<typeof newClient>;

const holder = globalThis as unknown as { __redis?: { url: string; client: Promise<Redis> } };

export function redisClient(url: string): Promise<Redis> {
  if (holder.__redis?.url !== url) {
    const client = (async () => {
      const redis = newClient(url);
      // It reconnects by itself; commands issued meanwhile fail and their requests say so.
      redis.on('error', (error: Error) => console.warn(`[redis] ${error.message}`));
      // The reconnect strategy would retry the first connection forever; a server that never had Redis
      // says so, and the next request tries again.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no connection to Redis at ${url} within ${FIRST_CONNECT_MS} ms`)), FIRST_CONNECT_MS);
      });
      try {
        await Promise.race([redis.connect(), timeout]);
      } catch (error) {
        redis.destroy();
        throw error;
      } finally {
        clearTimeout(timer);
      }
      return redis;
    })();
    holder.__redis = { url, client };
    client.catch(() => {
      if (holder.__redis?.client === client) holder.__redis = undefined;
    });
  }
  return holder.__redis.client;
}

/** Runs something that needs Redis; if Redis fails, the caller is told the service is unavailable (503). */
export async function withRedis<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ApiError) throw error;
    console.warn(`[redis] ${(error as Error).message}`);
    throw new ApiError('unavailable', 'The server cannot reach Redis right now, which it needs with several instances. Try again in a moment.');
  }
}
