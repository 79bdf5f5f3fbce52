import { apiRoute } from '@/lib/api/route';
import { clearedSessionCookie, isHttps } from '@/lib/security/session';

/** POST → removes the session cookie. Sessions are not stored, so there is nothing else to revoke. */
export const POST = apiRoute((request) =>
  Response.json(
    { ok: true },
    { headers: { 'set-cookie': clearedSessionCookie({ secure: isHttps(request.headers) }), 'cache-control': 'no-store' } },
  ),
);
