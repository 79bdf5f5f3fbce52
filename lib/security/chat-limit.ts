import 'server-only';

import { ApiError } from '@/lib/api/errors';
import { getConfig } from '@/lib/config';
import { clientIp } from './client-ip';
import { redisClient, withRedis } from '@/lib/redis';
import { RateLimiter } from './rate-limit';
import { inRedis } from './shared-rate-limit';

/**
 * CHAT_RATE_LIMIT_PER_MINUTE per client on POST /api/chat: every chat spends the owner's API key,
 * so one runaway script or tab must not be able to spend it without bound.
 */
export async function enforceChatRateLimit(request: Request): Promise<void> {
  const { CHAT_RATE_LIMIT_PER_MINUTE: perMinute, REDIS_URL } = getConfig();
  if (perMinute === 0) return;
  // With several instances the limit is theirs together, or N instances would allow N times as much.
  const key = clientIp(request.headers);
  const result = REDIS_URL
    ? await withRedis(async () => inRedis(await redisClient(REDIS_URL), 'chat', { limit: perMinute, windowMs: 60_000 }).take(key))
    : chatLimiter(perMinute).take(key);
  if (result.ok) return;
  const seconds = result.retryAfterSeconds;
  throw new ApiError(
    'rate_limited',
    `Too many messages: this server allows ${perMinute} per minute. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
    { 'retry-after': String(seconds) },
  );
}

function chatLimiter(perMinute: number): RateLimiter {
  // On globalThis so a dev-mode module reload keeps the counts.
  const holder = globalThis as unknown as { __chatLimiter?: RateLimiter };
  if (holder.__chatLimiter?.limit !== perMinute) {
    holder.__chatLimiter = new RateLimiter({ limit: perMinute, windowMs: 60_000 });
  }
  return holder.__chatLimiter;
}
