// Which gateway to ask next. Healthy gateways are tried in random order (no single gateway sees
// all of a profile's requests: "switching access points", paper 4.5); a failing one backs off
// exponentially, and one caught lying (forged, foreign or malformed records) is benched for a
// fixed while: it cannot be fixed by retrying, only by the operator.

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

interface GatewayState {
  failures: number;
  notBefore: number;
  reason: string;
}

export class GatewayHealth {
  readonly #states = new Map<string, GatewayState>();
  readonly #backoff: BackoffOptions;
  readonly #badForMs: number;
  readonly #now: () => number;
  readonly #random: () => number;

  constructor(opts: { backoff: BackoffOptions; badForMs: number; now: () => number; random: () => number }) {
    this.#backoff = opts.backoff;
    this.#badForMs = opts.badForMs;
    this.#now = opts.now;
    this.#random = opts.random;
  }

  /**
   * Healthy ones shuffled, then those backing off by the time they come back (tried last, not
   * never). With `spread` (a replica index) the healthy ones come in a fixed order rotated by it
   * instead, so replicas 0..r-1 of one entry land on different gateways whatever the shuffle.
   */
  order(names: readonly string[], spread?: number): string[] {
    const now = this.#now();
    const healthy: string[] = [];
    const waiting: { name: string; notBefore: number }[] = [];
    for (const name of names) {
      const s = this.#states.get(name);
      if (s === undefined || s.notBefore <= now) healthy.push(name);
      else waiting.push({ name, notBefore: s.notBefore });
    }
    if (spread !== undefined && healthy.length > 0) {
      healthy.sort();
      const start = ((spread % healthy.length) + healthy.length) % healthy.length;
      healthy.push(...healthy.splice(0, start));
    } else {
      for (let i = healthy.length - 1; i > 0; i--) {
        const j = Math.floor(this.#random() * (i + 1));
        [healthy[i], healthy[j]] = [healthy[j] as string, healthy[i] as string];
      }
    }
    waiting.sort((a, b) => a.notBefore - b.notBefore);
    return [...healthy, ...waiting.map((w) => w.name)];
  }

  isHealthy(name: string): boolean {
    const s = this.#states.get(name);
    return s === undefined || s.notBefore <= this.#now();
  }

  succeeded(name: string): void {
    this.#states.delete(name);
  }

  /** Unreachable, timed out, overloaded: exponential backoff with +-25 % jitter. */
  failed(name: string, reason: string, retryAfterMs?: number): void {
    const s = this.#states.get(name) ?? { failures: 0, notBefore: 0, reason };
    s.failures++;
    const exp = Math.min(this.#backoff.maxMs, this.#backoff.baseMs * 2 ** (s.failures - 1));
    const wait = Math.max(retryAfterMs ?? 0, exp * (0.75 + 0.5 * this.#random()));
    s.notBefore = this.#now() + wait;
    s.reason = reason;
    this.#states.set(name, s);
  }

  /** Caught returning records that do not verify: benched for badForMs whatever its history. */
  lied(name: string, reason: string): void {
    const s = this.#states.get(name) ?? { failures: 0, notBefore: 0, reason };
    s.failures++;
    s.notBefore = this.#now() + this.#badForMs;
    s.reason = reason;
    this.#states.set(name, s);
  }

  snapshot(): { name: string; healthy: boolean; failures: number; reason: string | null }[] {
    const now = this.#now();
    return [...this.#states.entries()].map(([name, s]) => ({ name, healthy: s.notBefore <= now, failures: s.failures, reason: s.reason }));
  }
}
