/**
 * An in-memory token bucket per key (a client address): `limit` requests at once, refilled
 * continuously at `limit` per `windowMs`, so "30 per minute" allows a burst of 30 and then one
 * every two seconds. O(1) time and memory per key, and the wait is exact: the time until the next
 * token. State lives in this process only, which is right for a single self-hosted server.
 */

export type RateLimitResult = { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number };

export type RateLimiterOptions = {
  /** Requests allowed per window (the bucket's size). */
  limit: number;
  windowMs: number;
  /** Keys tracked at most; the least recently seen key is forgotten beyond it. */
  maxKeys?: number;
  /** The clock, replaceable in tests. */
  now?: () => number;
};

type Bucket = { tokens: number; updatedAt: number };

export class RateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;
  private readonly perMs: number;
  // A Map iterates in insertion order; re-inserting on every touch makes the first entry the
  // least recently seen, which is the one to forget when memory is full.
  private readonly buckets = new Map<string, Bucket>();

  constructor({ limit, windowMs, maxKeys = 10_000, now = Date.now }: RateLimiterOptions) {
    if (!(limit > 0) || !(windowMs > 0) || !(maxKeys > 0)) throw new RangeError('limit, windowMs and maxKeys must be positive');
    this.limit = limit;
    this.windowMs = windowMs;
    this.maxKeys = maxKeys;
    this.now = now;
    this.perMs = limit / windowMs;
  }

  /** Spends one request for `key` if it has one left. */
  take(key: string): RateLimitResult {
    const bucket = this.refill(key);
    if (bucket.tokens < 1) return this.refusal(bucket);
    bucket.tokens -= 1;
    return { ok: true, remaining: Math.floor(bucket.tokens) };
  }

  /** Whether `key` has a request left, without spending it (e.g. before checking a password). */
  check(key: string): RateLimitResult {
    const bucket = this.refill(key);
    return bucket.tokens < 1 ? this.refusal(bucket) : { ok: true, remaining: Math.floor(bucket.tokens) };
  }

  /** Forgets `key`: its next request starts from a full bucket. */
  reset(key: string): void {
    this.buckets.delete(key);
  }

  /** Keys currently tracked (for tests and diagnostics). */
  get size(): number {
    return this.buckets.size;
  }

  private refill(key: string): Bucket {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket) {
      this.buckets.delete(key);
      bucket.tokens = Math.min(this.limit, bucket.tokens + Math.max(0, now - bucket.updatedAt) * this.perMs);
      bucket.updatedAt = now;
    } else {
      bucket = { tokens: this.limit, updatedAt: now };
      // Forgetting the least recently seen key is harmless in practice: its bucket has been
      // refilling the whole time it was idle.
      while (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next().value;
        if (oldest === undefined) break;
        this.buckets.delete(oldest);
      }
    }
    this.buckets.set(key, bucket);
    return bucket;
  }

  private refusal(bucket: Bucket): RateLimitResult {
    const waitMs = (1 - bucket.tokens) / this.perMs;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }
}
