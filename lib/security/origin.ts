/**
 * Cross-site request refusal. Browsers attach `Origin` to every cross-origin request and to every
 * POST, so a state-changing request whose Origin names another site was sent by a page on that
 * site (a CSRF attempt, or a DNS-rebinding page talking to 127.0.0.1) and is refused. Requests
 * without Origin come from scripts and curl, which cannot ride on a victim's browser, and pass.
 */

/** Methods that change something; GET, HEAD and OPTIONS never do in this app. */
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The host (name and port) the request was addressed to, as the browser saw it. */
export function requestHost(headers: Headers): string | null {
  // A reverse proxy puts the public host in x-forwarded-host (and `next start` copies Host there
  // when it is absent). A browser cannot set it on a cross-site request without a CORS preflight,
  // which this app never grants, so trusting it opens nothing.
  const forwarded = headers.get('x-forwarded-host')?.split(',')[0]?.trim();
  return forwarded || headers.get('host')?.trim() || null;
}

/** True when the request changes state and its Origin header names a different site than its own. */
export function isCrossSiteWrite(method: string, headers: Headers): boolean {
  if (!STATE_CHANGING.has(method.toUpperCase())) return false;
  const origin = headers.get('origin');
  if (origin === null) return false;
  return !sameHost(origin, requestHost(headers));
}

/** Compares an Origin value with a Host value; `:80`/`:443` are normalised against the Origin's scheme. */
export function sameHost(origin: string, host: string | null): boolean {
  if (!host) return false;
  let originUrl: URL;
  let hostUrl: URL;
  try {
    originUrl = new URL(origin); // "null" (sandboxed frames, privacy redirects) throws: refused
    if (originUrl.protocol !== 'http:' && originUrl.protocol !== 'https:') return false;
    hostUrl = new URL(`${originUrl.protocol}//${host}`);
  } catch {
    return false;
  }
  // Anything after the authority (a path smuggled into Host) makes it not a plain host.
  if (hostUrl.pathname !== '/' || hostUrl.search || hostUrl.username || hostUrl.password) return false;
  return originUrl.host === hostUrl.host;
}
