import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from './errors';
import { parseWith, readJson } from './request';
import { chatRequestSchema } from '@/lib/chat/turn';
import { decodeCursor, listQuerySchema, renameSchema } from '@/lib/conversations';
import { idSchema } from '@/lib/chat/ids';

/**
 * Whatever a client sends, the validators either accept it or raise an ApiError (a 4xx): never
 * another exception, which would surface as a 500.
 */
function acceptsOrRejectsCleanly(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBeGreaterThanOrEqual(400);
    expect((error as ApiError).status).toBeLessThan(500);
  }
}

const schemas = { chatRequestSchema, renameSchema, listQuerySchema, idSchema } as const;

// Bodies that look like what the app expects, with random holes, so the search reaches deep fields.
const plausibleChatBody = fc.record(
  {
    id: fc.oneof(fc.string(), fc.constant('abc-123'), fc.integer()),
    trigger: fc.oneof(fc.constant('submit-message'), fc.constant('regenerate-message'), fc.string()),
    messageId: fc.oneof(fc.string(), fc.constant(null)),
    message: fc.oneof(
      fc.anything(),
      fc.record(
        {
          id: fc.oneof(fc.string(), fc.nat()),
          role: fc.oneof(fc.constant('user'), fc.string()),
          parts: fc.oneof(fc.array(fc.record({ type: fc.oneof(fc.constant('text'), fc.string()), text: fc.anything() })), fc.anything()),
          text: fc.anything(),
          content: fc.anything(),
        },
        { requiredKeys: [] },
      ),
    ),
    messages: fc.oneof(fc.array(fc.anything(), { maxLength: 5 }), fc.anything()),
  },
  { requiredKeys: [] },
);

describe('request validators under random input', () => {
  for (const [name, schema] of Object.entries(schemas)) {
    it(`${name} never throws anything but a 4xx ApiError`, () => {
      fc.assert(fc.property(fc.anything(), (value) => acceptsOrRejectsCleanly(() => parseWith(schema, value))), {
        numRuns: 500,
      });
    });
  }

  it('chat bodies shaped like the real thing are accepted or rejected cleanly', () => {
    fc.assert(fc.property(plausibleChatBody, (value) => acceptsOrRejectsCleanly(() => parseWith(chatRequestSchema, value))), {
      numRuns: 1000,
    });
  });

  it('decodeCursor rejects any string it did not issue with a 400', () => {
    fc.assert(fc.property(fc.string(), (raw) => acceptsOrRejectsCleanly(() => decodeCursor(raw))), { numRuns: 500 });
  });

  it('readJson turns any byte sequence into a value or a 4xx ApiError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json(), fc.string(), fc.uint8Array({ maxLength: 200 })), async (body) => {
        const request = new Request('http://test/api', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
        try {
          await readJson(request, chatRequestSchema, 10_000);
        } catch (error) {
          expect(error).toBeInstanceOf(ApiError);
          expect((error as ApiError).status).toBeLessThan(500);
        }
      }),
      { numRuns: 300 },
    );
  });
});
