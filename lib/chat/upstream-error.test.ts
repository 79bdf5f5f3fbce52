import { APICallError } from 'ai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeUpstreamError, parseRetryAfter, UpstreamTimeoutError, type UpstreamFailure } from './upstream-error';

const API_KEY = 'sk-live-SECRET-1234567890';

function apiError(statusCode: number | undefined, responseHeaders: Record<string, string> = {}, cause?: unknown) {
  return new APICallError({
    message: `Request failed (Authorization: Bearer ${API_KEY})`,
    url: 'https://api.aimlapi.com/v1/chat/completions',
    requestBodyValues: {},
    statusCode,
    responseHeaders,
    responseBody: JSON.stringify({ error: { message: `Incorrect API key provided: ${API_KEY}` } }),
    isRetryable: statusCode === undefined || statusCode === 429 || statusCode >= 500,
    cause,
  });
}

function expectPlain(failure: UpstreamFailure) {
  expect(failure.message).not.toContain(API_KEY);
  expect(failure.message).not.toMatch(/Bearer|\{|stack|at \w+ \(/);
  expect(failure.message.length).toBeGreaterThan(10);
  expect(failure.message).not.toContain('\n');
}

afterEach(() => {
  vi.useRealTimers();
});

describe('describeUpstreamError', () => {
  it.each([401, 403])('HTTP %i → auth, pointing at the API key setting', (status) => {
    const failure = describeUpstreamError(apiError(status));
    expect(failure.kind).toBe('auth');
    expect(failure.message).toContain('AIMLAPI_API_KEY');
    expect(failure.retryAfterSeconds).toBeUndefined();
    expectPlain(failure);
  });

  it('HTTP 429 with retry-after → rate_limited with the wait', () => {
    const failure = describeUpstreamError(apiError(429, { 'retry-after': '7' }));
    expect(failure).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 7 });
    expect(failure.message).toContain('7 s');
    expectPlain(failure);
  });

  it('HTTP 429 without retry-after → rate_limited without a wait', () => {
    const failure = describeUpstreamError(apiError(429));
    expect(failure.kind).toBe('rate_limited');
    expect(failure.retryAfterSeconds).toBeUndefined();
    expect(failure.message).toMatch(/rate-limited/);
    expectPlain(failure);
  });

  it.each([500, 503])('HTTP %i → upstream, naming the status', (status) => {
    const failure = describeUpstreamError(apiError(status));
    expect(failure.kind).toBe('upstream');
    expect(failure.message).toContain(String(status));
    expectPlain(failure);
  });

  it('another 4xx → upstream (refused)', () => {
    const failure = describeUpstreamError(apiError(400));
    expect(failure.kind).toBe('upstream');
    expect(failure.message).toContain('400');
    expectPlain(failure);
  });

  it('connection refused (cause code ECONNREFUSED) → unreachable', () => {
    const error = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) });
    const failure = describeUpstreamError(error);
    expect(failure.kind).toBe('unreachable');
    expect(failure.message).toContain('AIMLAPI_BASE_URL');
    expectPlain(failure);
  });

  it('connection refused wrapped in an APICallError without a status → unreachable', () => {
    const cause = new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' }) });
    const failure = describeUpstreamError(apiError(undefined, {}, cause));
    expect(failure.kind).toBe('unreachable');
    expectPlain(failure);
  });

  it('UpstreamTimeoutError → timeout, naming the wait in seconds', () => {
    const failure = describeUpstreamError(new UpstreamTimeoutError(60_000));
    expect(failure.kind).toBe('timeout');
    expect(failure.message).toContain('60 s');
    expectPlain(failure);
  });

  it('a JSON parse failure → malformed', () => {
    const error = new Error('wrapped', { cause: Object.assign(new Error('JSON parsing failed: Text: {not json'), { name: 'AI_JSONParseError' }) });
    expect(describeUpstreamError(error).kind).toBe('malformed');
  });

  it('a dropped connection ("terminated") → interrupted', () => {
    const error = new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    const failure = describeUpstreamError(error);
    expect(failure.kind).toBe('interrupted');
    expectPlain(failure);
  });

  // The AI SDK reports a body that fails mid-stream as
  // APICallError{statusCode: 200, message: 'Failed to process successful response', cause}.
  it('a cut body wrapped in APICallError(200) → interrupted', () => {
    const terminated = new TypeError('terminated', {
      cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
    });
    const error = new APICallError({
      message: 'Failed to process successful response',
      url: 'https://api.aimlapi.com/v1/chat/completions',
      requestBodyValues: {},
      statusCode: 200,
      isRetryable: false,
      cause: terminated,
    });
    expect(describeUpstreamError(error).kind).toBe('interrupted');
  });

  it('no 2xx APICallError is described as a refusal', () => {
    expect(describeUpstreamError(apiError(200)).message).not.toMatch(/refused.*HTTP 200/);
  });

  it('anything else → unknown, with a generic message', () => {
    const failure = describeUpstreamError(new Error(`boom ${API_KEY}`));
    expect(failure.kind).toBe('unknown');
    expectPlain(failure);
    expect(describeUpstreamError('a string').kind).toBe('unknown');
    expect(describeUpstreamError(undefined).kind).toBe('unknown');
    expect(describeUpstreamError(null).kind).toBe('unknown');
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds, rounding up', () => {
    expect(parseRetryAfter('30')).toBe(30);
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter('1.2')).toBe(2);
  });

  it('reads an HTTP date relative to now', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2025-03-15T12:00:00Z'));
    expect(parseRetryAfter('Sat, 15 Mar 2025 12:00:45 GMT')).toBe(45);
    // A date in the past means "now".
    expect(parseRetryAfter('Sat, 15 Mar 2025 11:00:00 GMT')).toBe(0);
  });

  it('ignores missing or unusable values', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    // A negative delta is invalid; whatever it maps to, it must never be a negative wait.
    expect(parseRetryAfter('-5') ?? 0).toBe(0);
  });
});
