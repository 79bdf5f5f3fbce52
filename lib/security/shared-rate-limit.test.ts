import { createClient } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api/errors';
import { startRedis, type RedisServer } from '@/lib/testing/redis-server';
import type { Redis } from '@/lib/redis';
import { createSignInGate } from './sign-in';
import { inRedis } from './shared-rate-limit';

// A real redis-server on loopback (scripts/test.sh installs Debian's when it is missing).
let server: RedisServer;
let redis: Redis;
beforeAll(async () => {
  server = await startRedis(6400 + (process.pid % 500));
  redis = createClient({ url: server.url }) as Redis;
  await redis.connect();
});
afterAll(async () => {
  redis?.destroy();
  await server?.stop();
});

let n = 0;
const unique = (label: string) => `${label}-${process.pid}-${++n}`;

describe('rate limits in Redis (several instances count together)', () => {
  it('two instances share one bucket: the limit is for both together, then a wait', async () => {
    const name = unique('chat');
    const onA = inRedis(redis, name, { limit: 3, windowMs: 60_000 });
    const onB = inRedis(redis, name, { limit: 3, windowMs: 60_000 });
    expect(await onA.take('1.2.3.4')).toEqual({ ok: true, remaining: 2 });
    expect(await onB.take('1.2.3.4')).toEqual({ ok: true, remaining: 1 });
    expect(await onA.take('1.2.3.4')).toEqual({ ok: true, remaining: 0 });
    // One request back every 20 s (3 per minute).
    expect(await onB.take('1.2.3.4')).toEqual({ ok: false, retryAfterSeconds: 20 });
    expect((await onB.take('5.6.7.8')).ok).toBe(true);
  });

  it('check does not spend; reset gives a full bucket back', async () => {
    const limiter = inRedis(redis, unique('gate'), { limit: 2, windowMs: 60_000 });
    expect(await limiter.check('k')).toEqual({ ok: true, remaining: 2 });
    await limiter.take('k');
    await limiter.take('k');
    expect((await limiter.check('k')).ok).toBe(false);
    await limiter.reset('k');
    expect(await limiter.check('k')).toEqual({ ok: true, remaining: 2 });
  });

  it('wrong passwords on one instance count on the other', async () => {
    const name = unique('sign-in');
    const gate = () => createSignInGate({ perClient: 2, limiter: (kind, options) => inRedis(redis, `${name}-${kind}`, options) });
    const [a, b] = [gate(), gate()];
    const from = new Headers({ 'x-forwarded-for': '9.9.9.9' });
    await expect(a.attempt(from, 'wrong-one', 'the-password')).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(b.attempt(from, 'wrong-two', 'the-password')).rejects.toMatchObject({ code: 'unauthorized' });
    const blocked = await a.attempt(from, 'the-password', 'the-password').catch((e: unknown) => e);
    expect(blocked).toBeInstanceOf(ApiError);
    expect(blocked).toMatchObject({ code: 'rate_limited' });
  });
});
