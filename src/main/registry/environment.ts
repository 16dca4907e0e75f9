// Clock, timers and randomness, passed in so tests can shrink or drive them (STYLE.md).
import { randomBytes as nodeRandomBytes } from 'node:crypto';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface Environment {
  now: () => number;
  randomBytes: (n: number) => Uint8Array;
  timers: Timers;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export function defaultEnvironment(partial: Partial<Environment> = {}): Environment {
  return {
    now: partial.now ?? Date.now,
    randomBytes: partial.randomBytes ?? ((n) => new Uint8Array(nodeRandomBytes(n))),
    timers: partial.timers ?? realTimers,
  };
}

/** Uniform float in [0, 1) from 4 random bytes. */
export function uniform(randomBytes: (n: number) => Uint8Array): number {
  const b = randomBytes(4);
  return ((((b[0] ?? 0) << 24) | ((b[1] ?? 0) << 16) | ((b[2] ?? 0) << 8) | (b[3] ?? 0)) >>> 0) / 0x100000000;
}

/**
 * The wait before another try after `failures` in a row: uniform in [minMs, maxMs], doubled per
 * failure after the first (at most 2^10): the publisher's slot retries and the one-time writes.
 */
export function retryDelay(randomBytes: (n: number) => Uint8Array, o: { minMs: number; maxMs: number }, failures: number): number {
  return Math.floor((o.minMs + uniform(randomBytes) * (o.maxMs - o.minMs)) * 2 ** Math.min(failures - 1, 10));
}

/** Fisher-Yates with the injected randomness (the order of puts must not follow contact order). */
export function shuffle<T>(items: T[], randomBytes: (n: number) => Uint8Array): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(uniform(randomBytes) * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

export function sleep(timers: Timers, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) {
      resolve();
      return;
    }
    const h = timers.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      timers.clearTimeout(h);
      resolve();
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
