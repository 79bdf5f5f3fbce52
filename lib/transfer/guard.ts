import 'server-only';
import { ApiError } from '@/lib/api/errors';
import type { AppConfig } from '@/lib/config';
import { isCrossSiteWrite } from '@/lib/security/origin';
import { SESSION_COOKIE, sessionKey, verifySessionToken } from '@/lib/security/session';

/**
 * The proxy's checks, for the one route the proxy does not run on. POST /api/import is left out of
 * the proxy's matcher because Next.js copies a request body for the proxy (holding it in memory,
 * and cutting it at 10 MB), which would defeat streaming a 300 MB export; so the route refuses
 * cross-site writes (403) and, with APP_PASSWORD, requests without a session (401) itself.
 */
export function guardUnproxiedWrite(request: Request, config: Pick<AppConfig, 'APP_PASSWORD'>): void {
  if (isCrossSiteWrite(request.method, request.headers)) {
    throw new ApiError('forbidden', 'Cross-site request refused: the Origin header names another site.');
  }
  const password = config.APP_PASSWORD;
  if (password && !verifySessionToken(sessionKey(password), readCookie(request.headers.get('cookie'), SESSION_COOKIE))) {
    throw new ApiError('unauthorized', 'Sign in first: this server is protected by a password.');
  }
}

function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}
