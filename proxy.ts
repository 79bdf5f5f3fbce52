import { NextResponse, type NextRequest } from 'next/server';
import type { ErrorBody, ErrorCode } from '@/lib/api/errors';
import { getConfig } from '@/lib/config';
import { contentSecurityPolicy, createNonce } from '@/lib/security/headers';
import { isCrossSiteWrite } from '@/lib/security/origin';
import { isApiPath, isPublicPath, safeNextPath, SIGN_IN_PATH, signInLocation } from '@/lib/security/paths';
import { SESSION_COOKIE, sessionKey, verifySessionToken } from '@/lib/security/session';

/**
 * Runs before every page and API route (not before static build assets, see `config`). It must
 * stay cheap — the chat's time to first token includes it — so it does no I/O: a nonce, an
 * Origin comparison and, with APP_PASSWORD, one HMAC over the session cookie.
 *
 *  1. State-changing requests from another site's page are refused (403).
 *  2. With APP_PASSWORD, no session means a redirect to the sign-in page (pages) or 401 (API).
 *  3. Every response gets a Content-Security-Policy with a fresh nonce; Next.js reads the policy
 *     from the request headers and puts the nonce on its own scripts.
 */
export function proxy(request: NextRequest): Response {
  const nonce = createNonce();
  const csp = contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === 'development' });
  const withCsp = <R extends Response>(response: R): R => {
    response.headers.set('Content-Security-Policy', csp);
    return response;
  };
  const { pathname } = request.nextUrl;

  if (isCrossSiteWrite(request.method, request.headers)) {
    return withCsp(apiError(403, 'forbidden', 'Cross-site request refused: the Origin header names another site.'));
  }

  const password = getConfig().APP_PASSWORD;
  if (password) {
    const signedIn = verifySessionToken(sessionKey(password), request.cookies.get(SESSION_COOKIE)?.value);
    if (!signedIn && !isPublicPath(pathname)) {
      if (isApiPath(pathname)) return withCsp(apiError(401, 'unauthorized', 'Sign in first: this server is protected by a password.'));
      return withCsp(NextResponse.redirect(new URL(signInLocation(request.nextUrl), request.url)));
    }
    if (signedIn && pathname === SIGN_IN_PATH) {
      const next = safeNextPath(request.nextUrl.searchParams.get('next'));
      return withCsp(NextResponse.redirect(new URL(next, request.url)));
    }
  }

  if (isApiPath(pathname)) return withCsp(NextResponse.next());
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('Content-Security-Policy', csp);
  requestHeaders.set('x-nonce', nonce);
  return withCsp(NextResponse.next({ request: { headers: requestHeaders } }));
}

function apiError(status: number, code: ErrorCode, message: string): Response {
  const body: ErrorBody = { error: { code, message } };
  return Response.json(body, { status, headers: { 'cache-control': 'no-store' } });
}

export const config = {
  // Everything but the build's static files (hashed JS/CSS/fonts, public by design). Prefetches
  // are deliberately included: they must be signed in too.
  // Not /api/import either: for a path the proxy runs on, Next.js copies the request body in
  // memory (and cuts it at 10 MB), which would defeat streaming a 300 MB export. That route makes
  // the same origin and session checks itself (lib/transfer/guard.ts). Likewise /api/files
  // (attachment uploads, up to MAX_ATTACHMENT_BYTES).
  matcher: ['/((?!_next/static/|_next/image|api/import$|api/files$).*)'],
};
