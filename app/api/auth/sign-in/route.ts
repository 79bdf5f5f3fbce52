import { z } from 'zod';
import { ApiError } from '@/lib/api/errors';
import { readJson } from '@/lib/api/request';
import { apiRoute } from '@/lib/api/route';
import { withRedis } from '@/lib/redis';
import { signInGate } from '@/lib/security/sign-in';
import { getConfig } from '@/lib/server';

const signInSchema = z.object({ password: z.string().max(1024) });

/** POST { password } → a session cookie (see lib/security/session.ts), or 401 / 429. */
export const POST = apiRoute(async (request) => {
  const password = getConfig().APP_PASSWORD;
  if (!password) throw new ApiError('not_found', 'This server has no password, so there is nothing to sign in to.');
  const body = await readJson(request, signInSchema, 8_000);
  const gate = await withRedis(() => signInGate());
  const cookie = await withRedis(() => gate.attempt(request.headers, body.password, password));
  return Response.json({ ok: true }, { headers: { 'set-cookie': cookie, 'cache-control': 'no-store' } });
});
