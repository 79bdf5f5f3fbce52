import { expect, test } from '@playwright/test';
import fc from 'fast-check';

/** Random bodies, ids and query strings against the running server: never a 500, always our JSON errors. */
test('random input to every route gets a clean 2xx/4xx JSON answer', async ({ request }) => {
  test.setTimeout(90_000);
  const garbageId = fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('..', '%00', 'a'.repeat(65), ' ', 'ok-id'));
  const body = fc.oneof(fc.json({ maxDepth: 3 }), fc.string({ maxLength: 300 }));
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('chat', 'list', 'get', 'patch', 'delete', 'stop'),
      garbageId,
      body,
      async (route, id, raw) => {
        const safeId = encodeURIComponent(id) || 'x';
        const res =
          route === 'chat'
            ? await request.post('/api/chat', { headers: { 'content-type': 'application/json' }, data: raw })
            : route === 'list'
              ? await request.get(`/api/conversations?limit=${encodeURIComponent(id)}&cursor=${encodeURIComponent(raw)}`)
              : route === 'get'
                ? await request.get(`/api/conversations/${safeId}`)
                : route === 'patch'
                  ? await request.patch(`/api/conversations/${safeId}`, { headers: { 'content-type': 'application/json' }, data: raw })
                  : route === 'delete'
                    ? await request.delete(`/api/conversations/${safeId}`)
                    : await request.post(`/api/chat/${safeId}/stop`);
        expect(res.status(), `${route} ${id} ${raw}`).toBeLessThan(500);
        if (res.status() >= 400) {
          const json = await res.json();
          expect(typeof json.error.code).toBe('string');
          expect(typeof json.error.message).toBe('string');
        } else {
          await res.body(); // drain streams started by bodies that happened to be valid
        }
      },
    ),
    { numRuns: 150 },
  );
});
