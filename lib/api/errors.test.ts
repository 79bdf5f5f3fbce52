import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, ERROR_STATUS, errorResponse } from './errors';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('errorResponse', () => {
  it('an ApiError → its status and { error: { code, message } }', async () => {
    const response = errorResponse(new ApiError('not_found', 'x'));
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'x' } });
  });

  it('passes an ApiError’s headers through', async () => {
    const response = errorResponse(new ApiError('rate_limited', 'slow down', { 'retry-after': '5' }));
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('5');
  });

  it.each(Object.entries(ERROR_STATUS))('code %s → HTTP %i', (code, status) => {
    expect(errorResponse(new ApiError(code as keyof typeof ERROR_STATUS, 'm')).status).toBe(status);
  });

  it('any other error → 500 with a generic message and no internals', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const error = new Error('SQLITE_CORRUPT: database disk image is malformed at /srv/data/chat.db');
    const response = errorResponse(error);
    expect(response.status).toBe(500);
    const text = await response.text();
    const body = JSON.parse(text) as { error: { code: string; message: string } };
    expect(body).toEqual({ error: { code: 'internal', message: expect.any(String) } });
    expect(Object.keys(body)).toEqual(['error']);
    expect(text).not.toContain('SQLITE_CORRUPT');
    expect(text).not.toContain('/srv/data');
    expect(text).not.toContain('at ');
    expect(text).not.toContain(error.stack!.split('\n')[1]!.trim());
    // The server log keeps the detail.
    expect(log).toHaveBeenCalledWith(expect.any(String), error);
  });

  it('a thrown non-Error → 500 too', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const response = errorResponse('oops');
    expect(response.status).toBe(500);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('internal');
  });
});
