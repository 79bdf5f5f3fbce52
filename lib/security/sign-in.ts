import 'server-only';

import { ApiError } from '@/lib/api/errors';
import { clientIp } from './client-ip';
import { RateLimiter } from './rate-limit';
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
};

/** Sign-in with a limit on wrong guesses. Only failures count; a success clears the client's count. */
export function createSignInGate({ perClient = 5, overall = 50, now = Date.now }: SignInGateOptions = {}) {
  const byClient = new RateLimiter({ limit: perClient, windowMs: FIFTEEN_MINUTES, now });
  const everyone = new RateLimiter({ limit: overall, windowMs: FIFTEEN_MINUTES, maxKeys: 1, now });

  return {
    /** Checks `given` against `password`; returns the Set-Cookie value of a new session, or throws an ApiError. */
    attempt(headers: Headers, given: string, password: string): string {
      const ip = clientIp(headers);
      // Checked before the password, so a blocked client learns nothing from further guesses.
      for (const [limiter, key] of [
        [byClient, ip],
        [everyone, '*'],
      ] as const) {
        const state = limiter.check(key);
        if (!state.ok) throw tooManyAttempts(state.retryAfterSeconds);
      }
      if (!passwordMatches(given, password)) {
        byClient.take(ip);
        everyone.take('*');
        throw new ApiError('unauthorized', 'Wrong password.');
      }
      byClient.reset(ip);
      return sessionCookie(createSessionToken(sessionKey(password)), { secure: isHttps(headers) });
    },
  };
}

function tooManyAttempts(seconds: number): ApiError {
  const wait = seconds >= 90 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} seconds`;
  return new ApiError('rate_limited', `Too many wrong passwords. Try again in ${wait}.`, { 'retry-after': String(seconds) });
}

type SignInGate = ReturnType<typeof createSignInGate>;

/** The process-wide gate (on globalThis so a dev-mode module reload keeps the counts). */
export function signInGate(): SignInGate {
  const holder = globalThis as unknown as { __signInGate?: SignInGate };
  return (holder.__signInGate ??= createSignInGate());
}
