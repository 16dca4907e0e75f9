// Every size, rate and time budget of the gateway in one place, so tests can shrink them and the
// CLI can print them. Units are in the names.

export interface TokenBucketLimit {
  /** Tokens available at once (the burst a client may spend without waiting). */
  burst: number;
  /** Tokens added back per second. */
  perSecond: number;
}

export interface GatewayLimits {
  /** Request bodies are read at most this far; more is refused with 413 (DESIGN D4: gateways cap sizes). */
  maxBodyBytes: number;
  /** Registry values are fixed-size and < 1000 B (TESTBED-NOTES: hyperdht caps near 1870 B per UDP packet). */
  maxValueBytes: number;
  /** Keys per batched get: a profile reads both roles x r replicas x (D, D-1) = 12 with r = 3. */
  maxKeysPerGet: number;
  /**
   * Rate limits are counted in DHT operations: a put costs `putCost` (seq check + put), a get one
   * per key, anything else one. Over Tor all requests come from 127.0.0.1, so "connection" means one
   * Tor stream, and the global bucket is what protects the DHT (DESIGN: registry DoS).
   */
  perConnection: TokenBucketLimit;
  global: TokenBucketLimit;
  putCost: number;
  /** Budget of one DHT operation (a put or a whole get batch) before answering 504. */
  dhtTimeoutMs: number;
  /** Node http server budgets: slow-loris and idle keep-alive connections are cut. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  idleSocketTimeoutMs: number;
  maxRequestsPerSocket: number;
  maxConnections: number;
  maxHeaderBytes: number;
}

export const DEFAULT_LIMITS: GatewayLimits = {
  maxBodyBytes: 16 * 1024,
  maxValueBytes: 1000,
  maxKeysPerGet: 12,
  perConnection: { burst: 60, perSecond: 20 },
  global: { burst: 2000, perSecond: 500 },
  putCost: 2,
  dhtTimeoutMs: 10_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  keepAliveTimeoutMs: 5_000,
  idleSocketTimeoutMs: 30_000,
  maxRequestsPerSocket: 100,
  maxConnections: 512,
  maxHeaderBytes: 8 * 1024,
};

export type GatewayLimitsInput = Partial<Omit<GatewayLimits, 'perConnection' | 'global'>> & {
  perConnection?: Partial<TokenBucketLimit>;
  global?: Partial<TokenBucketLimit>;
};

export function resolveLimits(input: GatewayLimitsInput = {}): GatewayLimits {
  const limits: GatewayLimits = {
    ...DEFAULT_LIMITS,
    ...input,
    perConnection: { ...DEFAULT_LIMITS.perConnection, ...input.perConnection },
    global: { ...DEFAULT_LIMITS.global, ...input.global },
  };
  for (const [name, value] of Object.entries(limits)) {
    if (typeof value === 'number' && !(Number.isFinite(value) && value > 0)) {
      throw new RangeError(`gateway limit ${name} must be a positive number`);
    }
  }
  for (const bucket of [limits.perConnection, limits.global]) {
    if (!(bucket.burst > 0 && bucket.perSecond > 0)) throw new RangeError('token bucket limits must be positive');
  }
  if (limits.maxKeysPerGet > limits.perConnection.burst || limits.putCost > limits.perConnection.burst) {
    // A request whose cost exceeds the burst could never pass.
    throw new RangeError('perConnection.burst must cover maxKeysPerGet and putCost');
  }
  return limits;
}
