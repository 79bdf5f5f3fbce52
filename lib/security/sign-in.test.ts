import { describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api/errors';
import { SESSION_COOKIE, sessionKey, verifySessionToken } from './session';
import { createSignInGate } from './sign-in';

const PASSWORD = 'e2e-password-123';
const from = (ip: string, extra: Record<string, string> = {}) => new Headers({ 'x-forwarded-for': ip, ...extra });

function clock() {
  let t = 5_000_000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

async function refusal(fn: () => Promise<unknown>): Promise<ApiError> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected a refusal');
}

describe('sign-in gate', () => {
  it('the right password yields a signed session cookie', async () => {
    const gate = createSignInGate();
    const cookie = await gate.attempt(from('1.1.1.1'), PASSWORD, PASSWORD);
    const token = cookie.match(new RegExp(`^${SESSION_COOKIE}=([^;]+)`))?.[1];
    expect(verifySessionToken(sessionKey(PASSWORD), token)).toBe(true);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).not.toContain('Secure');
    expect(await gate.attempt(from('1.1.1.1', { 'x-forwarded-proto': 'https' }), PASSWORD, PASSWORD)).toContain('; Secure');
  });

  it('a wrong password is 401; the 6th attempt within 15 minutes is 429 with retry-after, even with the right password', async () => {
    const c = clock();
    const gate = createSignInGate({ now: c.now });
    for (let i = 0; i < 5; i++) {
      const error = await refusal(() => gate.attempt(from('2.2.2.2'), 'wrong-guess', PASSWORD));
      expect(error.code).toBe('unauthorized');
    }
    const blocked = await refusal(() => gate.attempt(from('2.2.2.2'), PASSWORD, PASSWORD));
    expect(blocked.code).toBe('rate_limited');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBe(180); // one attempt back every 15 min / 5
    expect(blocked.message).toMatch(/Try again in 3 minutes/);
    // Another address is not affected.
    expect(await gate.attempt(from('3.3.3.3'), PASSWORD, PASSWORD)).toContain(SESSION_COOKIE);
    // After the wait, one more try is allowed.
    c.advance(180_000);
    expect(await gate.attempt(from('2.2.2.2'), PASSWORD, PASSWORD)).toContain(SESSION_COOKIE);
  });

  it('success clears the count for that address', async () => {
    const gate = createSignInGate();
    for (let i = 0; i < 4; i++) await refusal(() => gate.attempt(from('4.4.4.4'), 'nope-nope', PASSWORD));
    await gate.attempt(from('4.4.4.4'), PASSWORD, PASSWORD);
    for (let i = 0; i < 5; i++) expect((await refusal(() => gate.attempt(from('4.4.4.4'), 'nope-nope', PASSWORD))).code).toBe('unauthorized');
  });

  it('guessing from many addresses hits the overall cap', async () => {
    const gate = createSignInGate({ perClient: 5, overall: 10 });
    for (let i = 0; i < 10; i++) expect((await refusal(() => gate.attempt(from(`9.0.0.${i}`), 'guess', PASSWORD))).code).toBe('unauthorized');
    expect((await refusal(() => gate.attempt(from('9.0.0.200'), 'guess', PASSWORD))).code).toBe('rate_limited');
  });
});
