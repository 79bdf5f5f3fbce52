import 'server-only';

import { ApiError } from '@/lib/api/errors';
import { clientIp } from './client-ip';
import { getConfig } from '@/lib/config';
import { redisClient } from '@/lib/redis';
import { RateLimiter } from './rate-limit';
import { inMemory, inRedis, type SharedLimiter } from './shared-rate-limit';
import { createSessionToken, isHttps, passwordMatches, sessionCookie, sessionKey } from './session';

const FIFTEEN_MINUTES = 15 * 60_000;

export type SignInGateOptions = {
  /** Wrong passwords allowed per client address per 15 minutes. */
  perClient?: number;
  /**
   * Wrong passwords allowed per 15 minutes from everyone together. A client served directly can
   * choose its own address (see client-ip.ts); this cap is what bounds guessing from many addresses.
   * Reaching it blocks new sign-ins for a while, never existing sessions.
   */
  overall?: number;
  now?: () => number;
  /** Where the counts live: this process by default; Redis with several instances (signInGate). */
  limiter?: (name: string, options: { limit: number; windowMs: number; maxKeys?: number }) => SharedLimiter;
};

/** Sign-in with a limit on wrong guesses. Only failures count; a success clears the client's count. */
export function createSignInGate({
  perClient = 5,
  overall = 50,
  now = Date.now,
  limiter = (_name, options) => inMemory(new RateLimiter({ ...options, now })),
}: SignInGateOptions = {}) {
  const byClient = limiter('sign-in', { limit: perClient, windowMs: FIFTEEN_MINUTES });
  const everyone = limiter('sign-in-all', { limit: overall, windowMs: FIFTEEN_MINUTES, maxKeys: 1 });

  return {
    /** Checks `given` against `password`; resolves to the Set-Cookie value of a new session, or rejects with an ApiError. */
    async attempt(headers: Headers, given: string, password: string): Promise<string> {
      const ip = clientIp(headers);
      // Checked before the password, so a blocked client learns nothing from further guesses.
      for (const [limiter, key] of [
        [byClient, ip],
        [everyone, '*'],
      ] as const) {
        const state = await limiter.check(key);
        if (!state.ok) throw tooManyAttempts(state.retryAfterSeconds);
      }
      if (!passwordMatches(given, password)) {
        await Promise.all([byClient.take(ip), everyone.take('*')]);
        throw new ApiError('unauthorized', 'Wrong password.');
      }
      await byClient.reset(ip);
      return sessionCookie(createSessionToken(sessionKey(password)), { secure: isHttps(headers) });
    },
  };
}

function tooManyAttempts(seconds: number): ApiError {
  const wait = seconds >= 90 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} seconds`;
  return new ApiError('rate_limited', `Too many wrong passwords. Try again in ${wait}.`, { 'retry-after': String(seconds) });
}

type SignInGate = ReturnType<typeof createSignInGate>;

/**
 * The process-wide gate (on globalThis so a dev-mode module reload keeps the counts); with REDIS_URL
 * the counts are in Redis, so several instances allow as many wrong guesses as one.
 */
export async function signInGate(): Promise<SignInGate> {
  const holder = globalThis as unknown as { __signInGate?: SignInGate };
  if (holder.__signInGate) return holder.__signInGate;
  const { REDIS_URL } = getConfig();
  const redis = REDIS_URL ? await redisClient(REDIS_URL) : undefined;
  return (holder.__signInGate ??= createSignInGate(redis ? { limiter: (name, options) => inRedis(redis, name, options) } : {}));
}
