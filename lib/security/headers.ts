/**
 * Response headers that limit what a page of this app can do if something hostile ever gets into
 * it (a model reply, a pasted message) and who may frame it.
 */

/** Sent on every response, static files included (next.config.ts `headers()`). */
export const STATIC_SECURITY_HEADERS: ReadonlyArray<{ key: string; value: string }> = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'no-referrer' },
  { key: 'X-Frame-Options', value: 'DENY' },
];

/** A fresh, unguessable nonce for one response (128 random bits, base64). */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/**
 * The Content-Security-Policy for one response. Scripts run only when they carry this response's
 * nonce (Next.js adds it to its own scripts when it sees the policy on the request) or were loaded
 * by such a script ('strict-dynamic'), so markup injected into a page can never run script.
 */
export function contentSecurityPolicy(nonce: string, { dev = false }: { dev?: boolean } = {}): string {
  return [
    "default-src 'self'",
    // React's dev build evaluates code for its error overlay; production never needs eval.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    // Shiki (inside Streamdown) colours code with inline style attributes; styles cannot run script.
    "style-src 'self' 'unsafe-inline'",
    // No remote images: a reply cannot load a tracking pixel or leak the conversation in a URL.
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "media-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    // Deliberately no upgrade-insecure-requests: on a LAN the app is often served over plain http,
    // where upgrading every subresource to https would break the page.
  ].join('; ');
}
