import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError } from './errors';
import { parseWith, readJson } from './request';

const schema = z.object({ title: z.string().min(1), count: z.number().int().optional() });

function post(body: BodyInit | null, headers: Record<string, string> = { 'content-type': 'application/json' }): Request {
  return new Request('http://app.test/api/x', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
}

/** A body streamed in chunks, so the request has no content-length. */
function streamed(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let i = 0;
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      if (i < chunks.length) controller.enqueue(encoder.encode(chunks[i++]!));
      else controller.close();
    },
  });
  return Object.assign(stream, { pulls: () => pulled });
}

async function apiError(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('readJson', () => {
  it('parses and validates a JSON body', async () => {
    await expect(readJson(post(JSON.stringify({ title: 'ok', count: 2 })), schema)).resolves.toEqual({ title: 'ok', count: 2 });
  });

  it('accepts text/plain (what a simple fetch or sendBeacon sends) and a missing content type', async () => {
    await expect(readJson(post('{"title":"a"}', { 'content-type': 'text/plain;charset=UTF-8' }), schema)).resolves.toEqual({ title: 'a' });
    await expect(readJson(post(streamed(['{"title":"b"}']), {}), schema)).resolves.toEqual({ title: 'b' });
  });

  it('invalid JSON → bad_request', async () => {
    const error = await apiError(readJson(post('{"title": '), schema));
    expect(error.code).toBe('bad_request');
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/JSON/);
  });

  it('an empty body → bad_request', async () => {
    expect((await apiError(readJson(post(null), schema))).code).toBe('bad_request');
  });

  it('a declared content-length over the limit → payload_too_large before reading', async () => {
    const body = JSON.stringify({ title: 'x'.repeat(200) });
    const request = post(body, { 'content-type': 'application/json', 'content-length': String(body.length) });
    const error = await apiError(readJson(request, schema, 100));
    expect(error.code).toBe('payload_too_large');
    expect(error.status).toBe(413);
    expect(request.bodyUsed).toBe(false);
  });

  it('a streamed body without content-length over the limit → payload_too_large, without reading it all', async () => {
    const chunks = ['{"title":"', ...Array.from({ length: 50 }, () => 'x'.repeat(40)), '"}'];
    const body = streamed(chunks) as ReturnType<typeof streamed> & { pulls: () => number };
    const request = post(body);
    expect(request.headers.get('content-length')).toBeNull();
    const error = await apiError(readJson(request, schema, 100));
    expect(error.code).toBe('payload_too_large');
    expect(error.message).toContain('100');
    expect(body.pulls()).toBeLessThan(chunks.length);
  });

  it('a body exactly at the limit is accepted', async () => {
    const text = JSON.stringify({ title: 'abc' });
    await expect(readJson(post(streamed([text])), schema, Buffer.byteLength(text))).resolves.toEqual({ title: 'abc' });
  });

  it('counts bytes, not characters', async () => {
    const text = JSON.stringify({ title: '你好你好你好' }); // 18 bytes of CJK, 6 characters
    expect((await apiError(readJson(post(streamed([text])), schema, text.length))).code).toBe('payload_too_large');
  });

  it.each(['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/html', 'application/jsonp'])(
    'content type %s → unsupported_media_type',
    async (type) => {
      const error = await apiError(readJson(post('{"title":"a"}', { 'content-type': type }), schema));
      expect(error.code).toBe('unsupported_media_type');
      expect(error.status).toBe(415);
    },
  );

  it('accepts application/json with parameters', async () => {
    await expect(
      readJson(post('{"title":"a"}', { 'content-type': 'application/json; charset=utf-8' }), schema),
    ).resolves.toEqual({ title: 'a' });
  });

  it('a schema failure → bad_request naming the field', async () => {
    const missing = await apiError(readJson(post('{}'), schema));
    expect(missing.code).toBe('bad_request');
    expect(missing.message).toMatch(/^title: /);

    const wrongType = await apiError(readJson(post('{"title":"a","count":1.5}'), schema));
    expect(wrongType.code).toBe('bad_request');
    expect(wrongType.message).toMatch(/^count: /);
  });

  it('names nested fields with a dotted path', () => {
    const nested = z.object({ message: z.object({ parts: z.array(z.object({ text: z.string() })) }) });
    try {
      parseWith(nested, { message: { parts: [{ text: 1 }] } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).message).toMatch(/^message\.parts\.0\.text: /);
    }
  });
});
