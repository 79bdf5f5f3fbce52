/**
 * The client address used to key rate limits.
 *
 * Route handlers never see the socket, only headers. Measured with `next start` 16.4: for a direct
 * connection it sets `x-forwarded-for` to the peer address (e.g. `127.0.0.1`) — but only when the
 * request has no such header (`??=` in next/dist/server/base-server.js); a header the client sent
 * is passed through untouched. So:
 *  - behind a reverse proxy that appends the peer address (nginx `$proxy_add_x_forwarded_for`,
 *    Caddy), the last entry is the address the proxy saw: the real client;
 *  - served directly, a client can pick its own key by sending the header. That is acceptable here:
 *    directly served means loopback (only this machine) or APP_PASSWORD set, where the chat limit
 *    only binds signed-in users and sign-in failures also have a global cap (lib/security/sign-in.ts).
 */
export function clientIp(headers: Headers): string {
  const forwarded = headers.get('x-forwarded-for');
  const last = forwarded?.split(',').at(-1)?.trim();
  // Bound the key: it is stored in the limiter's map.
  return last ? last.slice(0, 64) : 'unknown';
}
