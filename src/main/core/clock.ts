// Time, timers and randomness, injected so tests can shrink intervals (STYLE: pass clock, timers
// and randomness in as options). Production uses the real ones.
import { randomBytes as nodeRandomBytes } from 'node:crypto';

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Uniform in [0, 1), for jitter only (never for keys). */
  random(): number;
  /** CSPRNG bytes: ids, shared keys, invitation secrets. */
  randomBytes(n: number): Uint8Array;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // Background loops must never keep a host process alive on their own.
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  random: () => Math.random(),
  randomBytes: (n) => new Uint8Array(nodeRandomBytes(n)),
};
