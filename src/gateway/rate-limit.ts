// Token buckets for the per-connection and global request budgets (DESIGN D4: gateways rate-limit,
// the paper's 4.5 registry DoS). The clock is injected so tests can step time instead of sleeping.
import type { TokenBucketLimit } from './limits.ts';

export type Clock = () => number;

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private readonly limit: TokenBucketLimit;
  private readonly now: Clock;

  constructor(limit: TokenBucketLimit, now: Clock) {
    this.limit = limit;
    this.now = now;
    this.tokens = limit.burst;
    this.updatedAt = now();
  }

  /** Tokens currently available (after refilling for the time passed). */
  available(): number {
    const t = this.now();
    const elapsed = Math.max(0, t - this.updatedAt);
    this.tokens = Math.min(this.limit.burst, this.tokens + (elapsed / 1000) * this.limit.perSecond);
    this.updatedAt = t;
    return this.tokens;
  }

  /** Milliseconds until `cost` tokens will be available (0 if they are now). */
  waitMs(cost: number): number {
    const missing = cost - this.available();
    return missing <= 0 ? 0 : Math.ceil((missing / this.limit.perSecond) * 1000);
  }

  take(cost: number): void {
    this.available();
    this.tokens -= cost;
  }
}

/**
 * Both buckets must hold the cost before either is charged, so a refused request costs nothing
 * and one greedy connection cannot drain the global bucket past its own limit.
 */
export class RequestRateLimiter {
  private readonly perConnection = new WeakMap<object, TokenBucket>();
  private readonly global: TokenBucket;
  private readonly connectionLimit: TokenBucketLimit;
  private readonly now: Clock;

  constructor(opts: { perConnection: TokenBucketLimit; global: TokenBucketLimit; now: Clock }) {
    this.connectionLimit = opts.perConnection;
    this.now = opts.now;
    this.global = new TokenBucket(opts.global, opts.now);
  }

  /** Charges `cost` to the connection and the global bucket; returns 0, or ms to wait if refused. */
  tryTake(connection: object, cost: number): number {
    let bucket = this.perConnection.get(connection);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.connectionLimit, this.now);
      this.perConnection.set(connection, bucket);
    }
    const wait = Math.max(bucket.waitMs(cost), this.global.waitMs(cost));
    if (wait > 0) return wait;
    bucket.take(cost);
    this.global.take(cost);
    return 0;
  }
}
