// Waiting for things the way a person waits: until it shows, up to a bounded deadline. No fixed
// sleeps (docs/ARCHITECTURE.md "End-to-end tests"): a check is retried until it holds, and the
// failure names what never happened together with the last reason it gave.

/** Generous bounds for a loaded 2-core machine: presence crosses tor, a registry lookup and a link. */
export const WAIT = {
  /** An element that appears after a local action (a dialog opening, a route change). */
  ui: 20_000,
  /** Something that crosses the testbed: a message, a receipt, a presence change. */
  network: 90_000,
  /** Tor bootstrap of a fresh profile plus its first onion upload. */
  startup: 120_000,
  /**
   * A new pair seeing each other online after the confirmation: both sides publish under the new
   * key, look each other up and dial a fresh onion. Measured 75 s at a load average of 15 on 2
   * cores (docs/ARCHITECTURE.md "End-to-end tests"); a few seconds on an idle machine.
   */
  pairing: 180_000,
} as const;

/**
 * Retries `check` until it resolves (returns its value) or `timeoutMs` passes (throws, naming
 * `what` and the last error). The pause between tries grows from 50 ms to 500 ms so a long wait
 * does not spin a busy machine.
 */
export async function eventually<T>(what: string, check: () => Promise<T> | T, timeoutMs: number = WAIT.network): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let pause = 50;
  let last: unknown = null;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      const reason = last instanceof Error ? last.message : String(last);
      throw new Error(`${what}: not within ${timeoutMs} ms (last: ${reason})`);
    }
    await new Promise((r) => setTimeout(r, Math.min(pause, Math.max(1, deadline - Date.now()))));
    pause = Math.min(500, pause * 2);
  }
}
