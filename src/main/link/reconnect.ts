// Redial with backoff, driven by the core: when a contact's link drops (or a fresh registry entry
// says the contact is back), the core calls reconnectWithBackoff with a `connect` that looks up
// the contact's endpoint, dials it over Tor and opens a ContactLink. Backoff because a contact
// that just went offline leaves a stale registry entry and onion descriptor behind for minutes;
// hammering it costs circuits (Tor builds at most 32 at once) and tells the network nothing new.
import { LinkError } from './errors.ts';
import type { LinkTimers } from './contact-link.ts';

/** Delays between attempts, ms; the last one repeats. Tor descriptor propagation takes seconds. */
export const DEFAULT_BACKOFF_MS: readonly number[] = [1_000, 2_000, 5_000, 10_000, 30_000, 60_000];

export interface ReconnectOptions<T> {
  /** One attempt. Resolve with the result, or reject to be retried. `attempt` counts from 1. */
  connect: (attempt: number, signal: AbortSignal) => Promise<T>;
  backoffMs?: readonly number[];
  /** Each delay is scaled by a uniform factor in [1 - jitter, 1 + jitter]. */
  jitter?: number;
  random?: () => number;
  timers?: LinkTimers;
  /** Stop after this many attempts (default: never); the last error is then rethrown. */
  maxAttempts?: number;
  signal?: AbortSignal;
  /** Called after a failed attempt with the delay before the next one. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

export function backoffDelay(schedule: readonly number[], failures: number, jitter: number, random: () => number): number {
  const base = schedule[Math.min(failures, schedule.length - 1)] ?? 0;
  return Math.max(0, Math.round(base * (1 - jitter + 2 * jitter * random())));
}

/**
 * Calls `connect` until it succeeds, waiting backoffMs[i] (jittered) after the i-th failure.
 * Rejects with LINK_RECONNECT_ABORTED when `signal` aborts (an attempt in flight sees the same
 * signal), or with the last error after maxAttempts.
 */
export async function reconnectWithBackoff<T>(opts: ReconnectOptions<T>): Promise<T> {
  const schedule = opts.backoffMs ?? DEFAULT_BACKOFF_MS;
  if (schedule.length === 0 || schedule.some((d) => !Number.isFinite(d) || d < 0)) {
    throw LinkError.BAD_OPTIONS('backoffMs must be a non-empty list of non-negative delays');
  }
  const jitter = opts.jitter ?? 0.2;
  if (!(jitter >= 0 && jitter < 1)) throw LinkError.BAD_OPTIONS('jitter must be in [0, 1)');
  const random = opts.random ?? Math.random;
  const timers = opts.timers ?? {
    setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
    clearTimeout: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(opts.signal?.reason);
  if (opts.signal?.aborted) throw LinkError.RECONNECT_ABORTED(opts.signal.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await opts.connect(attempt, controller.signal);
        if (controller.signal.aborted) throw LinkError.RECONNECT_ABORTED(controller.signal.reason);
        return result;
      } catch (error) {
        if (controller.signal.aborted) throw LinkError.RECONNECT_ABORTED(controller.signal.reason);
        if (opts.maxAttempts !== undefined && attempt >= opts.maxAttempts) throw error;
        const delayMs = backoffDelay(schedule, attempt - 1, jitter, random);
        opts.onRetry?.({ attempt, delayMs, error });
        await sleep(delayMs, timers, controller.signal);
      }
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

function sleep(ms: number, timers: LinkTimers, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      timers.clearTimeout(handle);
      reject(LinkError.RECONNECT_ABORTED(signal.reason));
    };
    const handle = timers.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
