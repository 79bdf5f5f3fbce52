import 'server-only';
import type { Redis } from '@/lib/redis';
import type { RateLimiter, RateLimitResult } from './rate-limit';

/**
 * A rate limit every instance counts against together (REDIS_URL), with the in-memory limiter's
 * semantics (lib/security/rate-limit.ts): a bucket of `limit` requests refilled continuously at
 * `limit` per window. One script per request, so the read-refill-spend is atomic across instances.
 */
export interface SharedLimiter {
  /** Spends one request for `key` if it has one left. */
  take(key: string): Promise<RateLimitResult>;
  /** Whether `key` has a request left, without spending it. */
  check(key: string): Promise<RateLimitResult>;
  /** Forgets `key`: its next request starts from a full bucket. */
  reset(key: string): Promise<void>;
}

export function inMemory(limiter: RateLimiter): SharedLimiter {
  return {
    take: async (key) => limiter.take(key),
    check: async (key) => limiter.check(key),
    reset: async (key) => limiter.reset(key),
  };
}

// KEYS[1] the bucket; ARGV limit, refill per ms, (unused), ttl (ms), spend (1 or 0).
// Returns {1, remaining} or {0, wait ms}.
const TAKE = `
local limit = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2])
-- Redis's clock, not the caller's: instances whose clocks differ must not refill each other's buckets.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 't', 'u')
local tokens = tonumber(state[1]) or limit
local updated = tonumber(state[2]) or now
tokens = math.min(limit, tokens + math.max(0, now - updated) * perMs)
local ok = tokens >= 1
if ok and ARGV[5] == '1' then tokens = tokens - 1 end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'u', tostring(now))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
if ok then return {1, math.floor(tokens)} end
return {0, math.ceil((1 - tokens) / perMs)}
`;

export function inRedis(redis: Redis, name: string, { limit, windowMs }: { limit: number; windowMs: number }): SharedLimiter {
  const bucket = (key: string) => `qc:limit:${name}:${key}`;
  const run = async (key: string, spend: boolean): Promise<RateLimitResult> => {
    const [ok, value] = (await redis.eval(TAKE, {
      keys: [bucket(key)],
      arguments: [String(limit), String(limit / windowMs), '0', String(windowMs), spend ? '1' : '0'],
    })) as [number, number];
    return ok === 1 ? { ok: true, remaining: value } : { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(value / 1000)) };
  };
  return {
    take: (key) => run(key, true),
    check: (key) => run(key, false),
    reset: async (key) => void (await redis.del(bucket(key))),
  };
}
