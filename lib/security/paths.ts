/**
 * Which paths answer without a session when APP_PASSWORD is set, and where sign-in sends you back.
 * Static build assets (/_next/static, /_next/image) never reach the proxy (see its matcher).
 */

export const SIGN_IN_PATH = '/sign-in';

const PUBLIC_PATHS = new Set([
  SIGN_IN_PATH,
  '/api/auth/sign-in',
  // Signing out only clears a cookie; it must work even when the session has already expired.
  '/api/auth/sign-out',
  // Files the sign-in page itself loads, and what browsers and crawlers ask for unprompted.
  '/icon.svg',
  '/favicon.ico',
  '/robots.txt',
]);

export function isPublicPath(pathname: string): boolean {
  return PUBLIC_PATHS.has(pathname);
}

export function isApiPath(pathname: string): boolean {
  return pathname === '/api' || pathname.startsWith('/api/');
}

/**
 * A `next` value that is safe to navigate to after signing in: a path on this site. Anything else
 * ("//evil.example", "https://…", "/\\evil", control characters) becomes "/", so the sign-in page
 * can never be used to bounce someone to another site.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || next.length > 2000) return '/';
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return '/';
  if (next === SIGN_IN_PATH || next.startsWith(`${SIGN_IN_PATH}?`)) return '/';
  return next;
}

/** Where the proxy sends a signed-out visitor of `url` (its path and query; Next's `_rsc` marker dropped). */
export function signInLocation(url: URL): string {
  const search = new URLSearchParams(url.search);
  search.delete('_rsc');
  const query = search.toString();
  const next = safeNextPath(`${url.pathname}${query ? `?${query}` : ''}`);
  return `${SIGN_IN_PATH}?next=${encodeURIComponent(next)}`;
}
