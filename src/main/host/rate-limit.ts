// A token bucket per WebSocket connection: a page that floods the host with calls gets coded
// IPC_RATE_LIMITED answers instead of queueing unbounded work in the core.
export interface TokenBucketOptions {
  /** Calls allowed in a burst. */
  capacity: number;
  /** Sustained calls per second. */
  perSecond: number;
  now: () => number;
}

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(private readonly o: TokenBucketOptions) {
    this.tokens = o.capacity;
    this.last = o.now();
  }

  take(): boolean {
    const now = this.o.now();
    this.tokens = Math.min(this.o.capacity, this.tokens + ((now - this.last) / 1000) * this.o.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
