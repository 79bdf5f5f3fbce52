import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('RateLimiter (token bucket)', () => {
  it('allows `limit` at once, then refuses with the seconds until the next request is allowed', () => {
    const c = clock();
    const limiter = new RateLimiter({ limit: 3, windowMs: 60_000, now: c.now });
    expect(limiter.take('a')).toEqual({ ok: true, remaining: 2 });
    expect(limiter.take('a')).toEqual({ ok: true, remaining: 1 });
    expect(limiter.take('a')).toEqual({ ok: true, remaining: 0 });
    // One request comes back every 60 s / 3 = 20 s.
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 20 });
    c.advance(15_000);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 5 });
    c.advance(5_000);
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
  });

  it('refills to the full limit after a whole window, never beyond it', () => {
    const c = clock();
    const limiter = new RateLimiter({ limit: 3, windowMs: 60_000, now: c.now });
    for (let i = 0; i < 3; i++) limiter.take('a');
    c.advance(10 * 60_000);
    for (let i = 0; i < 3; i++) expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
  });

  it('over any window, allows at most limit + what refilled', () => {
    const c = clock();
    const limiter = new RateLimiter({ limit: 30, windowMs: 60_000, now: c.now });
    let allowed = 0;
    for (let ms = 0; ms < 60_000; ms += 100) {
      if (limiter.take('a').ok) allowed++;
      c.advance(100);
    }
    // 30 at once plus 30 refilled over the minute (the last one may land just after).
    expect(allowed).toBeGreaterThanOrEqual(59);
    expect(allowed).toBeLessThanOrEqual(60);
  });

  it('keeps keys apart', () => {
    const c = clock();
    const limiter = new RateLimiter({ limit: 1, windowMs: 60_000, now: c.now });
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
    expect(limiter.take('b').ok).toBe(true);
  });

  it('check() looks without spending; reset() forgets', () => {
    const c = clock();
    const limiter = new RateLimiter({ limit: 2, windowMs: 60_000, now: c.now });
    expect(limiter.check('a')).toEqual({ ok: true, remaining: 2 });
    expect(limiter.check('a')).toEqual({ ok: true, remaining: 2 });
    limiter.take('a');
    limiter.take('a');
    expect(limiter.check('a')).toEqual({ ok: false, retryAfterSeconds: 30 });
    limiter.reset('a');
    expect(limiter.check('a').ok).toBe(true);
  });

  it('a clock that goes backwards refills nothing and breaks nothing', () => {
    const c = clock();
    const limiter = new RateLimiter({ limit: 1, windowMs: 60_000, now: c.now });
    limiter.take('a');
    c.advance(-30_000);
    expect(limiter.take('a').ok).toBe(false);
  });

  it('memory is bounded: beyond maxKeys the least recently seen key is forgotten', () => {
    const c = clock();
    const limiter = new RateLimiter({ limit: 1, windowMs: 60_000, maxKeys: 3, now: c.now });
    limiter.take('a');
    limiter.take('b');
    limiter.take('c');
    limiter.take('a'); // refused, but touches a: b is now the oldest
    limiter.take('d');
    expect(limiter.size).toBe(3);
    expect(limiter.take('a').ok).toBe(false); // still remembered
    expect(limiter.take('b').ok).toBe(true); // forgotten, so fresh
    for (let i = 0; i < 10_000; i++) limiter.take(`k${i}`);
    expect(limiter.size).toBe(3);
  });

  it('rejects nonsense options', () => {
    expect(() => new RateLimiter({ limit: 0, windowMs: 1 })).toThrow(RangeError);
    expect(() => new RateLimiter({ limit: 1, windowMs: 0 })).toThrow(RangeError);
  });
});
