import 'server-only';

import { createHash, createHmac, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * Sessions without a session store: the cookie carries its own expiry and an HMAC-SHA256 signature
 * under a key derived from APP_PASSWORD. Checking one costs a single HMAC (no database), which
 * matters because the proxy checks it on every request. Changing the password changes the key, so
 * every cookie issued before stops verifying: that is how everyone is signed out.
 */

export const SESSION_COOKIE = 'qc_session';
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

const VERSION = 'v1';
// No per-install salt: nothing is stored on disk. scrypt's cost is what counts here — it makes an
// offline guess at the password from a stolen cookie expensive, where a bare HMAC would be cheap.
const KEY_SALT = 'qwen-chat/session-key/v1';

let cachedKey: { password: string; key: Buffer } | undefined;

/** The signing key for a password (scrypt, ~50 ms, so computed once per process and cached). */
export function sessionKey(password: string): Buffer {
  if (cachedKey?.password !== password) {
    cachedKey = { password, key: scryptSync(password, KEY_SALT, 32, { N: 16_384, r: 8, p: 1 }) };
  }
  return cachedKey.key;
}

function sign(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

/** A new session token: `v1.<expiry, unix seconds>.<random id>.<signature>`. */
export function createSessionToken(key: Buffer, nowMs = Date.now(), maxAgeSeconds = SESSION_MAX_AGE_SECONDS): string {
  const expires = Math.floor(nowMs / 1000) + maxAgeSeconds;
  // The random id makes every token distinct, so two sign-ins never share a cookie value.
  const payload = `${VERSION}.${expires}.${randomBytes(12).toString('base64url')}`;
  return `${payload}.${sign(key, payload)}`;
}

/** True for a token this key signed that has not expired. Never throws, whatever the input. */
export function verifySessionToken(key: Buffer, token: string | undefined, nowMs = Date.now()): boolean {
  if (!token || token.length > 200) return false;
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) return false;
  const [, expires, , signature] = parts as [string, string, string, string];
  if (!/^\d{1,12}$/.test(expires) || Number(expires) * 1000 <= nowMs) return false;
  // Compared as text, not decoded bytes: base64 decoding ignores a last character's spare bits,
  // which would let several spellings of one signature pass.
  const expected = Buffer.from(sign(key, parts.slice(0, 3).join('.')), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Password check in constant time: both sides are hashed first so the comparison sees equal
 * lengths, and its duration says nothing about how much of the guess was right.
 */
export function passwordMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

export type CookieOptions = { secure: boolean; nowMs?: number };

/** The Set-Cookie value for a new session: HttpOnly (no script reads it), SameSite=Lax, 30 days. */
export function sessionCookie(token: string, { secure, nowMs = Date.now() }: CookieOptions): string {
  const expires = new Date(nowMs + SESSION_MAX_AGE_SECONDS * 1000).toUTCString();
  return [
    `${SESSION_COOKIE}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${SESSION_MAX_AGE_SECONDS}`,
    `Expires=${expires}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/** The Set-Cookie value that removes the session cookie. */
export function clearedSessionCookie({ secure }: { secure: boolean }): string {
  return [
    `${SESSION_COOKIE}=`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    'Max-Age=0',
    'Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/** Whether the browser reached us over https (directly, or through a TLS-terminating proxy). */
export function isHttps(headers: Headers): boolean {
  // `next start` sets x-forwarded-proto from the socket when no proxy did; a client that lies
  // about it only changes the flags on its own cookie.
  return headers.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}
