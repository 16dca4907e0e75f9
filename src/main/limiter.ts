// A counting semaphore: at most `max` holders at once, others wait in FIFO order. Each use is a
// burst of Tor work that must not all start at once: onion creation (src/main/tor/onion.ts: each
// new onion builds ~3 intro circuits plus 2 x 6 descriptor uploads; tor builds at most 32 circuits
// at once) and registry writes (src/main/registry/publisher.ts: each put its own circuits).

export class Limiter {
  private active = 0;
  private readonly waiting: Array<{ grant: () => void; reject: (e: Error) => void; signal?: AbortSignal | undefined; onAbort: () => void }> = [];

  /** `aborted` makes the error a waiter rejects with when its signal aborts (the owner's coded error). */
  constructor(private readonly max: number, private readonly aborted: () => Error) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`limit must be a positive integer, got ${max}`);
  }

  get pending(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Resolves with a release function once a slot is free. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(this.aborted());
    if (this.active < this.max) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          signal?.removeEventListener('abort', entry.onAbort);
          resolve(this.releaser());
        },
        reject,
        signal,
        onAbort: () => {
          const i = this.waiting.indexOf(entry);
          if (i !== -1) this.waiting.splice(i, 1);
          reject(this.aborted());
        },
      };
      signal?.addEventListener('abort', entry.onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next.grant(); // the slot passes on; active stays the same
      else this.active--;
    };
  }
}
